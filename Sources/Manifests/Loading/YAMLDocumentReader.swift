import Yams

/// A YAML syntax error with the place libyaml reports for it.
public struct YAMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: TextPosition
    public var message: String

    public var description: String { "\(position.line):\(position.column): \(message)" }
}

/// Splits a YAML stream into documents and converts each to a `YAMLNode` tree with positions.
public enum YAMLDocumentReader {
    /// - Returns: one root node per document; comment-only streams give none, `---` alone gives a null scalar.
    /// - Throws: `YAMLSyntaxError` for the first syntax error in the stream.
    public static func documents(in text: String) throws(YAMLSyntaxError) -> [YAMLNode] {
        // libyaml and Yams recurse once per nesting level; refuse absurd depths before they do.
        if let position = tooDeep(text) {
            throw YAMLSyntaxError(
                position: position, message: "nested deeper than \(maximumDepth) levels; refusing to read it")
        }
        do {
            let parser = try Parser(yaml: text)
            var roots: [YAMLNode] = []
            var converter = Converter()
            while let root = try parser.nextRoot() {
                roots.append(converter.convert(root))
                if converter.budget < 0 {
                    throw YAMLSyntaxError(
                        position: root.mark.map { TextPosition(line: $0.line, column: $0.column) }
                            ?? TextPosition(line: 1, column: 1),
                        message:
                            "aliases expand to more than \(Converter.limit) nodes (an alias bomb?); refusing to read further"
                    )
                }
            }
            return roots
        } catch let error as YAMLSyntaxError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(from: error)
        } catch {
            throw YAMLSyntaxError(position: TextPosition(line: 1, column: 1), message: "\(error)")
        }
    }

    static let maximumDepth = 512

    /// Where the text nests deeper than `maximumDepth`: flow brackets outside quotes, or block
    /// indentation and `- ` runs at a line's start. A cheap over-estimate, never an under-estimate.
    private static func tooDeep(_ text: String) -> TextPosition? {
        var depth = 0
        var line = 1
        var column = 0
        var quote: Character?
        var comment = false
        var lineStart = true
        var leading = 0
        for character in text {
            column += 1
            if character == "\n" {
                line += 1
                column = 0
                comment = false
                lineStart = true
                leading = 0
                continue
            }
            if lineStart {
                if character == " " || character == "-" { leading += 1 } else { lineStart = false }
                if leading > maximumDepth * 2 { return TextPosition(line: line, column: column) }
            }
            if comment { continue }
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "#": comment = true
            case "'", "\"": quote = character
            case "[", "{":
                depth += 1
                if depth > maximumDepth { return TextPosition(line: line, column: column) }
            case "]", "}": depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }

    private static func syntaxError(from error: YamlError) -> YAMLSyntaxError {
        func make(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> YAMLSyntaxError {
            // libyaml's context says what it was reading and where that began, e.g. an unclosed quote.
            let text =
                context.map { "\(problem) \($0.text) that starts at line \($0.mark.line), column \($0.mark.column)" }
                ?? problem
            return YAMLSyntaxError(position: TextPosition(line: mark.line, column: mark.column), message: text)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return make(problem, context, mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return YAMLSyntaxError(
                position: TextPosition(line: context.mark.line, column: context.mark.column),
                message: "duplicate key \(names) in one mapping")
        case .reader(let problem, let offset, _, _):
            return YAMLSyntaxError(
                position: TextPosition(line: 1, column: 1),
                message: problem + (offset.map { " at byte \($0)" } ?? ""))
        default:
            return YAMLSyntaxError(position: TextPosition(line: 1, column: 1), message: "\(error)")
        }
    }
}

/// Converts Yams nodes, telling aliases from definitions: Yams hands back the anchored node itself
/// for an alias, so the second time an (anchor, position) pair is met it is an alias.
private struct Converter {
    private var seenAnchors: Set<String> = []
    /// Nodes a file may expand to: aliases share structure in Yams but each is a full copy here, so
    /// a "billion laughs" file would otherwise take exponential time and memory.
    static let limit = 2_000_000
    var budget = limit

    mutating func convert(_ node: Node) -> YAMLNode {
        budget -= 1
        guard budget >= 0 else {
            return YAMLNode(.scalar("", style: .plain, tag: nil), at: TextPosition(line: 1, column: 1))
        }
        let position =
            node.mark.map { TextPosition(line: $0.line, column: $0.column) } ?? TextPosition(line: 1, column: 1)
        let anchor = node.anchor?.rawValue
        var isAlias = false
        if let anchor {
            let key = "\(anchor)@\(position.line):\(position.column)"
            isAlias = !seenAnchors.insert(key).inserted
        }
        switch node {
        case .scalar(let scalar):
            let style: ScalarStyle =
                switch scalar.style {
                case .singleQuoted: .singleQuoted
                case .doubleQuoted: .doubleQuoted
                case .literal: .literal
                case .folded: .folded
                case .plain, .any: .plain
                }
            // A string is a string whether the file wrote `!!str` or Yams resolved it (it does for
            // quoted scalars and mapping keys), so only other tags (`!env_var`, `!!int`) are kept.
            var tag: String? = scalar.tag.rawValue
            if tag == "" || tag == Tag.Name.str.rawValue { tag = nil }
            return YAMLNode(
                .scalar(scalar.string, style: style, tag: tag), at: position, anchor: anchor, isAlias: isAlias)
        case .mapping(let mapping):
            let pairs = mapping.map { YAMLNode.Pair(key: convert($0.key), value: convert($0.value)) }
            return YAMLNode(.mapping(pairs), at: position, anchor: anchor, isAlias: isAlias)
        case .sequence(let sequence):
            let items = sequence.map { convert($0) }
            return YAMLNode(.sequence(items), at: position, anchor: anchor, isAlias: isAlias)
        case .alias:
            // Only produced by Yams's representer, never by its parser.
            return YAMLNode(.scalar("", style: .plain, tag: nil), at: position, anchor: anchor, isAlias: true)
        }
    }
}

extension Node {
    fileprivate var anchor: Anchor? {
        switch self {
        case .scalar(let scalar): scalar.anchor
        case .mapping(let mapping): mapping.anchor
        case .sequence(let sequence): sequence.anchor
        case .alias: nil
        }
    }
}
