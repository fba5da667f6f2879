import Yams

/// A YAML construct that Go's decoders (kustomize reads YAML with go-yaml, then JSON with a
/// case-insensitive field match) may read otherwise than Lockmaster does.
public struct StrictYAMLProblem: Sendable, Equatable, CustomStringConvertible {
    public var position: TextPosition
    public var construct: String

    public var description: String { "\(position.line):\(position.column): \(construct)" }
}

/// Finds what a file that decides what a build reads must not hold: anchors and aliases, explicit tags
/// (`!!binary`, `!!merge`, a local `!tag`), merge keys (`<<`), and keys written twice. Each one is a place
/// where two YAML readers can disagree. (Keys that differ only in case are a problem only where Go
/// decodes into a struct: `KustomizationGrammar` looks for them there; in a map, such as a patch's
/// `substitute` or labels, both keys stay.)
public enum StrictYAML {
    public static func problems(in text: String) -> [StrictYAMLProblem] {
        // Anchors, aliases, tags, merge keys and complex keys all need one of these bytes; duplicate keys
        // the ordinary reader refuses. Most files hold none, and are not parsed a second time.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x2A || $0 == 0x21 || $0 == 0x3C || $0 == 0x3F }) else {
            return []
        }
        var found: [StrictYAMLProblem] = []
        do {
            let parser = try Parser(yaml: text)
            while let root = try parser.nextRoot() { walk(root, into: &found) }
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            found.append(
                StrictYAMLProblem(
                    position: TextPosition(line: context.mark.line, column: context.mark.column),
                    construct: "a key written twice (\(names))"))
        } catch {
            // A syntax error: the caller's reader reports it with its place.
        }
        return found
    }

    private static let plainTags: Set<String> = [
        "", Tag.Name.str.rawValue, Tag.Name.map.rawValue, Tag.Name.seq.rawValue,
    ]

    private static func walk(_ node: Node, into found: inout [StrictYAMLProblem]) {
        let position =
            node.mark.map { TextPosition(line: $0.line, column: $0.column) } ?? TextPosition(line: 1, column: 1)
        switch node {
        case .scalar(let scalar):
            check(anchor: scalar.anchor, tag: scalar.tag, refusing: [.map, .seq], at: position, into: &found)
        case .mapping(let mapping):
            check(anchor: mapping.anchor, tag: mapping.tag, refusing: [.str], at: position, into: &found)
            for (key, value) in mapping {
                let keyPosition = key.mark.map { TextPosition(line: $0.line, column: $0.column) } ?? position
                if case .scalar(let scalar) = key {
                    if scalar.string == "<<", scalar.style == .plain || scalar.style == .any {
                        found.append(StrictYAMLProblem(position: keyPosition, construct: "a merge key (<<)"))
                    }
                } else {
                    found.append(
                        StrictYAMLProblem(position: keyPosition, construct: "a key that is not a plain string"))
                }
                walk(key, into: &found)
                walk(value, into: &found)
            }
        case .sequence(let sequence):
            check(anchor: sequence.anchor, tag: sequence.tag, refusing: [.str, .map], at: position, into: &found)
            for item in sequence { walk(item, into: &found) }
        case .alias:
            found.append(StrictYAMLProblem(position: position, construct: "an anchor or alias (&name, *name)"))
        }
    }

    /// A node's anchor, and a tag that is not the plain one for its kind (`refusing` names the plain tags
    /// of the other kinds, which a resolver would apply to this node only if written).
    private static func check(
        anchor: Anchor?, tag: Tag, refusing: [Tag.Name], at position: TextPosition,
        into found: inout [StrictYAMLProblem]
    ) {
        if anchor != nil {
            found.append(StrictYAMLProblem(position: position, construct: "an anchor or alias (&name, *name)"))
        }
        if !plainTags.contains(tag.rawValue) || refusing.contains(where: { $0.rawValue == tag.rawValue }) {
            found.append(StrictYAMLProblem(position: position, construct: "an explicit YAML tag (\(tag.rawValue))"))
        }
    }
}
