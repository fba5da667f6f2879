import Crypto
import Foundation
import Manifests

/// The one place a v1 Secret's values (`data`, `stringData`) are hidden. Output shows which keys exist
/// and whether they changed, never what they hold: `render` prints `<hidden sha256:…>` (the first 12
/// hex digits of the value's SHA-256), and `diff` compares the full hashes.
enum SecretMask {
    static let fields = ["data", "stringData"]

    static func isSecret(_ node: YAMLNode?) -> Bool {
        node?.string(at: ["kind"]) == "Secret" && node?.string(at: ["apiVersion"]) == "v1"
    }

    /// The SHA-256 of a value, as 64 hex digits.
    static func hash(_ value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The Secret with each value replaced by `<hidden sha256:…>`; any other object as it is.
    static func masked(_ node: YAMLNode) -> YAMLNode {
        guard isSecret(node), case .mapping(var pairs) = node.content else { return node }
        for index in pairs.indices where fields.contains(pairs[index].key.string ?? "") {
            guard case .mapping(let entries) = pairs[index].value.content else { continue }
            let hidden = entries.map { entry -> YAMLNode.Pair in
                YAMLNode.Pair(
                    key: entry.key,
                    value: YAMLNode(
                        .scalar(
                            "<hidden sha256:\(hash(entry.value.string ?? "").prefix(12))>", style: .plain, tag: nil),
                        at: entry.value.position))
            }
            pairs[index].value.content = .mapping(hidden)
        }
        var copy = node
        copy.content = .mapping(pairs)
        return copy
    }

    /// The Secret without its values, for a line diff: what changed in them is `keyChanges`.
    static func withoutValues(_ node: YAMLNode) -> YAMLNode {
        guard isSecret(node) else { return node }
        return fields.reduce(node) { $0.removing([$1]) }
    }

    /// For a Secret on either side: each `data.KEY` / `stringData.KEY` as `added`, `removed`, `changed` or
    /// `unchanged`, decided by hash; nil for any other object.
    static func keyChanges(old: YAMLNode?, new: YAMLNode?) -> [String: String]? {
        guard isSecret(new ?? old) else { return nil }
        func hashes(_ node: YAMLNode?) -> [String: String] {
            var result: [String: String] = [:]
            for field in fields {
                for pair in node?[field]?.pairs ?? [] {
                    guard let key = pair.key.string else { continue }
                    result["\(field).\(key)"] = hash(pair.value.string ?? "")
                }
            }
            return result
        }
        let before = hashes(old)
        let after = hashes(new)
        var keys: [String: String] = [:]
        for key in Set(before.keys).union(after.keys) {
            keys[key] =
                before[key] == nil
                ? "added" : after[key] == nil ? "removed" : before[key] == after[key] ? "unchanged" : "changed"
        }
        return keys
    }
}
