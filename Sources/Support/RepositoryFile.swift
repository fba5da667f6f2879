public import Foundation

/// Reads a file of a repository by its relative path, the way Flux's artifact has it: never through a
/// symlink (the artifact holds none) and never outside the root. A branch under review decides these
/// paths (an origin annotation, a file name), so they are not trusted.
public enum RepositoryFile {
    /// The bytes (at most `limit`), or nil when the path leaves the root, passes a symlink, or is not a
    /// regular file.
    public static func contents(_ relative: String, in root: URL, limit: Int = 1 << 24) -> Data? {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard !relative.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0 == ".." }) else { return nil }
        var url = root
        for part in parts where part != "." {
            url.appendPathComponent(String(part))
            var status = stat()
            guard lstat(url.path, &status) == 0, (status.st_mode & S_IFMT) != S_IFLNK else { return nil }
        }
        var status = stat()
        guard lstat(url.path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
            let handle = try? FileHandle(forReadingFrom: url)
        else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: limit) ?? Data()
    }

    public static func text(_ relative: String, in root: URL, limit: Int = 1 << 24) -> String? {
        contents(relative, in: root, limit: limit).flatMap { String(data: $0, encoding: .utf8) }
    }
}
