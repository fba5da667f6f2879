import Foundation

/// What is at a path itself (a symlink is not followed), from one `lstat`: FileManager's attribute
/// lookups also read extended attributes, which a scan of thousands of paths pays for many times.
public enum FileKind: Sendable, Equatable {
    case regular, directory, symlink, other

    /// Nil when nothing is there (or it cannot be looked at).
    public static func at(_ path: String) -> FileKind? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }
}
