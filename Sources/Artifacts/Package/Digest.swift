public import Foundation

/// `sha256:<hex>` of some bytes.
public enum Digest {
    public static func sha256(_ data: Data) -> String {
        GzipWriter<DiscardingSink>.hex(SHA256Hasher.hash(data))
    }

    /// Whether `text` is `sha256:` and 64 lower-case hex digits.
    public static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}
