public import Foundation

/// Writes files so that a reader sees either the old content or the new, never a mix:
/// the bytes go to a temporary file in the same directory, which is then renamed over the target.
public enum AtomicFile {
    /// - Parameters:
    ///   - data: the complete new content.
    ///   - url: the file to replace or create. Its directory must exist.
    ///   - permissions: mode for a new file; an existing file keeps its own mode.
    /// - Throws: `AtomicFileError` naming the file; the target is unchanged on failure.
    public static func write(_ data: Data, to url: URL, permissions: Int = 0o644) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).lockmaster-\(UUID().uuidString)")
        let manager = FileManager.default
        let mode = (try? manager.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? permissions
        do {
            guard manager.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: mode]) else {
                throw AtomicFileError.cannotWrite(path: url.path, reason: "cannot create a temporary file in \(directory.path)")
            }
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw AtomicFileError.cannotWrite(path: url.path, reason: reason)
            }
        } catch {
            try? manager.removeItem(at: temporary)
            if let error = error as? AtomicFileError { throw error }
            throw AtomicFileError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}

public enum AtomicFileError: Error, CustomStringConvertible, Sendable {
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        }
    }
}
