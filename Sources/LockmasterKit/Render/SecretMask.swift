import Crypto
import Foundation
import Manifests

/// Hides the values of a v1 Secret's `data` and `stringData` behind `<hidden sha256:…>` (12 hex digits
/// of the value's hash), so output shows which keys exist and whether they changed, never what they hold.
enum SecretMask {
    static func masked(_ node: YAMLNode) -> YAMLNode {
        guard node.string(at: ["kind"]) == "Secret", node.string(at: ["apiVersion"]) == "v1", case var .mapping(pairs) = node.content else { return node }
        for index in pairs.indices where ["data", "stringData"].contains(pairs[index].key.string ?? "") {
            guard case let .mapping(entries) = pairs[index].value.content else { continue }
            let hidden = entries.map { entry -> YAMLNode.Pair in
                let hash = SHA256.hash(data: Data((entry.value.string ?? "").utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
                return YAMLNode.Pair(key: entry.key, value: YAMLNode(.scalar("<hidden sha256:\(hash)>", style: .plain, tag: nil), at: entry.value.position))
            }
            pairs[index].value.content = .mapping(hidden)
        }
        var copy = node
        copy.content = .mapping(pairs)
        return copy
    }
}
