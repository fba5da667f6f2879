import Foundation
import Support
import Yams

extension YAMLNode {
    /// The node as YAML text (block style), for output; comments and original layout are not kept.
    public func yamlText() -> String {
        (try? Yams.serialize(node: yamsNode(), width: -1, sortKeys: false)) ?? ""
    }

    /// The node as JSON text, with plain scalars typed the way YAML 1.2's core schema reads them.
    public func jsonText() -> String {
        switch content {
        case .scalar(let text, let style, let tag):
            if style == .plain, tag == nil {
                if isNull { return "null" }
                if ["true", "True", "TRUE"].contains(text) { return "true" }
                if ["false", "False", "FALSE"].contains(text) { return "false" }
                if Int(text) != nil { return text }
                if let number = Double(text), number.isFinite, text.contains(where: { $0.isNumber }),
                    text.allSatisfy({ "0123456789.eE+-".contains($0) })
                {
                    return text
                }
            }
            return Self.jsonString(text)
        case .mapping(let pairs):
            return "{"
                + pairs.map { Self.jsonString($0.key.string ?? "") + ":" + $0.value.jsonText() }.joined(separator: ",")
                + "}"
        case .sequence(let items):
            return "[" + items.map { $0.jsonText() }.joined(separator: ",") + "]"
        }
    }

    /// A copy without the key at `path` (e.g. an annotation kustomize added).
    public func removing(_ path: [String]) -> YAMLNode {
        guard let key = path.first, case .mapping(let pairs) = content else { return self }
        var copy = self
        if path.count == 1 {
            copy.content = .mapping(pairs.filter { $0.key.string != key })
        } else {
            copy.content = .mapping(
                pairs.map { pair in
                    pair.key.string == key
                        ? Pair(key: pair.key, value: pair.value.removing(Array(path.dropFirst()))) : pair
                })
        }
        return copy
    }

    private func yamsNode() -> Node {
        switch content {
        case .scalar(let text, let style, let tag):
            let yamsStyle: Node.Scalar.Style =
                switch style {
                case .plain: .plain
                case .singleQuoted: .singleQuoted
                case .doubleQuoted: .doubleQuoted
                case .literal: .literal
                case .folded: .folded
                }
            let explicit = tag.map { Tag(Tag.Name(rawValue: $0)) } ?? .implicit
            // A value that could start a workflow command or hold control characters is printed on one
            // line, double-quoted, where the emitter escapes it.
            return .scalar(.init(text, explicit, Inert.needsQuoting(text) ? .doubleQuoted : yamsStyle))
        case .mapping(let pairs):
            return .mapping(.init(pairs.map { ($0.key.yamsNode(), $0.value.yamsNode()) }))
        case .sequence(let items):
            return .sequence(.init(items.map { $0.yamsNode() }))
        }
    }

    /// A JSON string literal for `text`.
    public static func jsonString(_ text: String) -> String { JSONText.quoted(text) }
}
