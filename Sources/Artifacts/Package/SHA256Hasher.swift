import Crypto
import Foundation

/// One-shot and file hashing with swift-crypto.
enum SHA256Hasher {
    static func hash(_ data: Data) -> SHA256.Digest { SHA256.hash(data: data) }

    /// Hashes a file in 1 MiB reads.
    static func hash(file url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw PackageError.unreadable(path: url.path, reason: "cannot open")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return GzipWriter<DiscardingSink>.hex(hasher.finalize())
    }
}
