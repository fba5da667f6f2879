import Crypto
import Foundation
import Manifests

/// Builds keyed by their inputs, so that `diff` renders a Kustomization whose inputs are the same on
/// both sides only once. Substitution is not cached: it runs on every render, after the build.
actor BuildCache {
    private var builds: [String: [KustomizeBuilder.Built]] = [:]
    private var treeFingerprints: [URL: String] = [:]
    private(set) var hits = 0

    func get(_ key: String) -> [KustomizeBuilder.Built]? {
        guard let built = builds[key] else { return nil }
        hits += 1
        return built
    }

    func put(_ key: String, _ built: [KustomizeBuilder.Built]) { builds[key] = built }

    /// The key of a build: its Flux spec and path, and every file it reads (`inputs`, from
    /// `BuildInputScanner`) — components and resources outside the path included. When the scanner met
    /// a key it does not know, every file of the source tree counts instead. Nil: do not reuse (a
    /// refused build, or one that fetches remote resources, whose content no file here holds).
    func key(tree: URL, path: String, spec: YAMLNode?, inputs: BuildInputs) -> String? {
        guard inputs.violations.isEmpty, !inputs.remote else { return nil }
        var hasher = SHA256()
        hasher.update(data: Data((spec?.jsonText() ?? "entry").utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(path.utf8))
        if inputs.incomplete {
            guard let fingerprint = treeFingerprint(tree) else { return nil }
            hasher.update(data: Data(fingerprint.utf8))
        } else {
            guard Self.hash(inputs.files.map { tree.appendingPathComponent($0) }, base: tree, into: &hasher) else { return nil }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private func treeFingerprint(_ tree: URL) -> String? {
        if let known = treeFingerprints[tree] { return known }
        guard let files = Self.files(under: tree) else { return nil }
        var hasher = SHA256()
        guard Self.hash(files, base: tree, into: &hasher) else { return nil }
        let fingerprint = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        treeFingerprints[tree] = fingerprint
        return fingerprint
    }

    /// Every regular file below `directory` (not `.git`), sorted; nil when it cannot be listed.
    private static func files(under directory: URL) -> [URL]? {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return nil }
        var files: [URL] = []
        for case let url as URL in enumerator {
            if url.lastPathComponent == ".git" { enumerator.skipDescendants(); continue }
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    private static func hash(_ files: [URL], base: URL, into hasher: inout SHA256) -> Bool {
        let prefix = base.standardizedFileURL.path.count
        for file in files {
            guard let data = try? Data(contentsOf: file) else { return false }
            hasher.update(data: Data(file.standardizedFileURL.path.dropFirst(prefix).utf8 + [0]))
            hasher.update(data: Data(SHA256.hash(data: data)))
        }
        return true
    }
}
