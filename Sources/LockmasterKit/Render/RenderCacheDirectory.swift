import Crypto
public import Foundation
import Manifests
import Support

/// Builds kept between runs, in the user's cache directory (`$XDG_CACHE_HOME/lockmaster/builds`, else
/// `~/.cache/lockmaster/builds`), one file per build key. A key already names everything a build
/// reads; the directory adds what builds it: the kubectl program and this Lockmaster program, by path,
/// size and modification time, so that an upgrade of either starts afresh.
///
/// Safe under concurrent runs: an entry is written to a private file and renamed into place, so a
/// reader sees a whole entry or none; an entry that cannot be read is a miss. Bounded: after a run
/// that wrote, the least recently used entries are removed until the directory holds at most `limit`
/// bytes (default 512 MiB, `LOCKMASTER_CACHE_MIB`).
///
/// Trusted only as far as it is private: the directory must be this user's and writable by no one
/// else, and an entry this user's with no permission for group or others. Anything else is ignored
/// (built again), and said once in `notices`: another user who could write an entry could make a
/// build say what they like.
public struct RenderCacheDirectory: Sendable {
    public let url: URL
    public let limit: Int
    /// Mixed into every key: the programs that build.
    let salt: String
    /// What was ignored, each said once.
    public let notices = RenderCacheNotices()

    public static let defaultLimit = 512 << 20

    /// The user's cache directory, or nil when there is no home to put it in.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment, kubectl: String)
        -> RenderCacheDirectory?
    {
        let base: URL
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            base = URL(fileURLWithPath: cache, isDirectory: true)
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache")
        } else {
            return nil
        }
        let limit = environment["LOCKMASTER_CACHE_MIB"].flatMap(Int.init).map { max(0, $0) << 20 } ?? defaultLimit
        return RenderCacheDirectory(
            url: base.appendingPathComponent("lockmaster/builds"), limit: limit, kubectl: kubectl,
            environment: environment)
    }

    public init(
        url: URL, limit: Int = defaultLimit, kubectl: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.url = url
        self.limit = limit
        let program =
            kubectl.contains("/") ? kubectl : ExecutableLookup.find(kubectl, path: environment["PATH"])?.path ?? kubectl
        let programs = [program, "/proc/self/exe"]
        salt = programs.map(Self.identity).joined(separator: "\n")
    }

    /// `path size mtime` of a program (symlinks followed), or the name alone when it cannot be read.
    private static func identity(_ path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { return path }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(resolved) \(size) \(modified)"
    }

    private func file(_ key: String) -> URL {
        let digest = SHA256.hash(data: Data((salt + "\n" + key).utf8)).map { String(format: "%02x", $0) }.joined()
        return url.appendingPathComponent(String(digest.prefix(2))).appendingPathComponent(digest)
    }

    /// Whether `path` is this user's and not writable by group or others (`private`: no permission for them at all).
    private static func isOwn(_ path: String, kind: mode_t, privately: Bool = false) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        guard status.st_mode & S_IFMT == kind else {
            return "is not a \(kind == S_IFDIR ? "directory" : "regular file") (a symlink?)"
        }
        guard status.st_uid == geteuid() else { return "belongs to another user (uid \(status.st_uid))" }
        let wider = privately ? status.st_mode & 0o077 : status.st_mode & 0o022
        guard wider == 0 else { return "has mode \(String(status.st_mode & 0o777, radix: 8)), open to other users" }
        return nil
    }

    /// The directory (and its parent) are this user's and closed to others; nil when they are not there yet.
    private func directoryProblem() -> String? {
        for directory in [url.deletingLastPathComponent().path, url.path] {
            if let problem = Self.isOwn(directory, kind: S_IFDIR) {
                return "the render cache \(directory) \(problem); it is not used (fix: chmod go-w, or remove it)"
            }
        }
        return nil
    }

    /// The build stored under `key`, or nil.
    func read(_ key: String) -> [KustomizeBuilder.Built]? {
        let file = file(key)
        if let problem = directoryProblem() {
            notices.add(problem)
            return nil
        }
        if let problem = Self.isOwn(file.deletingLastPathComponent().path, kind: S_IFDIR)
            ?? Self.isOwn(file.path, kind: S_IFREG, privately: true)
        {
            notices.add("a render cache entry under \(url.path) \(problem); such entries are ignored and built again")
            return nil
        }
        guard let data = try? Data(contentsOf: file), let entries = try? JSONDecoder().decode([Entry].self, from: data)
        else { return nil }
        // Used now: the last to be removed.
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file.path)
        var built: [KustomizeBuilder.Built] = []
        for entry in entries {
            guard let node = try? YAMLDocumentReader.documents(in: entry.object).first else { return nil }
            built.append(KustomizeBuilder.Built(node: node, source: entry.source))
        }
        return built
    }

    /// Stores a build; a failure to store is not an error (the next run builds again).
    func write(_ key: String, _ built: [KustomizeBuilder.Built]) {
        let file = file(key)
        guard directoryProblem() == nil else { return }
        guard let data = try? JSONEncoder().encode(built.map { Entry(source: $0.source, object: $0.node.yamlText()) })
        else { return }
        let directory = file.deletingLastPathComponent()
        try? FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = directory.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString.prefix(8))")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }

    /// Removes the least recently used entries until the directory holds at most `limit` bytes.
    public func trim() {
        guard
            let enumerator = FileManager.default.enumerator(
                at: url, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey])
        else { return }
        var entries: [(url: URL, size: Int, used: Date)] = []
        var total = 0
        for case let entry as URL in enumerator {
            guard
                let values = try? entry.resourceValues(forKeys: [
                    .isRegularFileKey, .fileSizeKey, .contentModificationDateKey,
                ]),
                values.isRegularFile == true
            else { continue }
            let size = values.fileSize ?? 0
            entries.append((entry, size, values.contentModificationDate ?? .distantPast))
            total += size
        }
        guard total > limit else { return }
        for entry in entries.sorted(by: { $0.used < $1.used }) where total > limit {
            // Another run may have removed it already.
            try? FileManager.default.removeItem(at: entry.url)
            total -= entry.size
        }
    }

    private struct Entry: Codable {
        var source: String?
        var object: String
    }
}

/// What a render cache ignored, each kind said once per run however many entries it met.
public final class RenderCacheNotices: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var said: [String] = []

    func add(_ message: String) {
        lock.withLock { if !said.contains(message) { said.append(message) } }
    }

    public var messages: [String] { lock.withLock { said } }
}
