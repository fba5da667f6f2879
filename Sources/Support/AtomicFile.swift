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
            try writeNew(data, to: temporary.path, mode: mode_t(mode), target: url.path)
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

    /// Creates `path` (which must not exist) with `data`, reporting the system's reason on failure
    /// (a read-only file system, a full disk) against `target`, the file the user asked for.
    private static func writeNew(_ data: Data, to path: String, mode: mode_t, target: String) throws {
        func failure(_ step: String) -> AtomicFileError {
            AtomicFileError.cannotWrite(path: target, reason: "\(step): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("cannot create a temporary file beside it") }
        defer { close(descriptor) }
        fchmod(descriptor, mode)  // the umask must not narrow an existing file's mode
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw failure("cannot write the temporary file") }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush the temporary file") }
    }
}

public enum AtomicFileError: Error, CustomStringConvertible, Sendable {
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}
