public import Foundation

/// A directory under the system temporary directory, removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "lockmaster-test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(12))", isDirectory: true)
            .resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        // Restore permissions a test may have taken away, so removal succeeds.
        if let enumerator = FileManager.default.enumerator(atPath: url.path) {
            for case let path as String in enumerator {
                chmod(url.appendingPathComponent(path).path, 0o755)
            }
        }
        try? FileManager.default.removeItem(at: url)
    }

    public var path: String { url.path }

    /// Writes `files` (path relative to the directory → content), creating directories as needed.
    public func write(_ files: [String: String]) throws {
        for (path, content) in files {
            try write(path, content)
        }
    }

    public func write(_ path: String, _ content: String) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: file)
    }

    public func read(_ path: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(path), encoding: .utf8)
    }

    /// Replaces `old` with `new` in a file, which must hold it.
    public func replace(_ path: String, _ old: String, _ new: String) throws {
        let text = try read(path)
        guard text.contains(old) else { throw MissingText(path: path, text: old) }
        try write(path, text.replacingOccurrences(of: old, with: new))
    }

    /// A replacement whose text the file does not hold.
    public struct MissingText: Error, CustomStringConvertible {
        public var path: String, text: String
        public var description: String { "\(path) has no \(text)" }
    }

    public func data(_ path: String) throws -> Data {
        try Data(contentsOf: url.appendingPathComponent(path))
    }
}
