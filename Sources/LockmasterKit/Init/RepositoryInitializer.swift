public import Foundation
public import GitKit
import Platform
import Support

/// What `lockmaster init` is asked to do.
public struct InitRequest: Sendable {
    public var directory: URL
    /// The platform repository's git URL; defaults to the `origin` remote.
    public var gitURL: String?
    /// `oci://HOST/REPO`, or a local OCI image layout directory; defaults to `artifact` in lockmaster.yaml.
    public var artifact: String?
    /// The `oci://` URL clusters pull from, needed when `artifact` is a local directory.
    public var artifactURL: String?

    public init(directory: URL, gitURL: String? = nil, artifact: String? = nil, artifactURL: String? = nil) {
        self.directory = directory
        self.gitURL = gitURL
        self.artifact = artifact
        self.artifactURL = artifactURL
    }
}

/// What `lockmaster init` did.
public struct InitResult: Sendable, Codable, Equatable {
    public var directory: String
    /// Files written, relative to the directory.
    public var created: [String]
    /// Files that already had exactly the scaffold's content.
    public var unchanged: [String]
    /// True when `git init` was run because the directory was not in a work tree.
    public var initializedGit: Bool

    /// True when the repository was already initialised and nothing was written.
    public var alreadyInitialized: Bool { created.isEmpty && !initializedGit }
}

/// Why `lockmaster init` refused; nothing was written.
public enum InitError: Error, Sendable, Equatable, CustomStringConvertible {
    case notADirectory(String)
    case missingGitURL
    case missingArtifact
    case missingArtifactURL(String)
    case invalidArtifactURL(String)
    case conflicts(directory: String, paths: [String])
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .notADirectory(let path):
            return "\(path) exists and is not a directory; choose another directory"
        case .missingGitURL:
            return "no git URL for the platform repository: pass --git-url URL (or add an 'origin' remote)"
        case .missingArtifact:
            return "no artifact repository: pass --artifact oci://HOST/REPO (or a local OCI layout directory)"
        case .missingArtifactURL(let path):
            return
                "--artifact \(path) is a local directory; also pass --artifact-url oci://HOST/REPO for the clusters to pull from"
        case .invalidArtifactURL(let url):
            return "\(url) is not an OCI repository URL; write it as oci://HOST/REPO without a tag"
        case .conflicts(let directory, let paths):
            let list = paths.map { "\(directory)/\($0)" }.joined(separator: ", ")
            return
                "\(list) already exist\(paths.count == 1 ? "s" : "") with other content; nothing was written (move them aside, or run init in an empty directory)"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason); nothing was kept"
        }
    }
}

/// Scaffolds the platform repository layout (DESIGN.md §1). Never overwrites a file.
public struct RepositoryInitializer: Sendable {
    private let git: any GitClient

    public init(git: any GitClient = ProcessGitClient()) {
        self.git = git
    }

    public func run(_ request: InitRequest) async throws -> InitResult {
        let manager = FileManager.default
        let directory = request.directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: directory.path, isDirectory: &isDirectory)
        if exists, !isDirectory.boolValue { throw InitError.notADirectory(directory.path) }

        let settings = exists ? try SettingsLoader.load(repositoryRoot: directory) : LockmasterSettings()
        let workTree = exists ? try await git.workTreeRoot(containing: directory) : nil

        // Every scaffold path present: initialised already, whatever the flags say.
        let paths = ScaffoldTemplates.paths(settings)
        if exists, paths.allSatisfy({ manager.fileExists(atPath: directory.appendingPathComponent($0).path) }) {
            return InitResult(directory: directory.path, created: [], unchanged: paths.sorted(), initializedGit: false)
        }

        var gitURL = request.gitURL
        if gitURL == nil, let workTree { gitURL = try await git.remoteURL(named: "origin", in: workTree) }
        guard let gitURL else { throw InitError.missingGitURL }
        guard let artifact = request.artifact ?? settings.artifact else { throw InitError.missingArtifact }
        let ociURL: String
        if artifact.hasPrefix("oci://") {
            ociURL = artifact
        } else {
            guard let url = request.artifactURL else { throw InitError.missingArtifactURL(artifact) }
            ociURL = url
        }
        guard Self.isRepositoryURL(ociURL) else { throw InitError.invalidArtifactURL(ociURL) }

        let files = ScaffoldTemplates.files(
            .init(gitURL: gitURL, ociURL: ociURL, artifact: artifact, settings: settings))
        var created: [(String, String)] = []
        var unchanged: [String] = []
        var conflicts: [String] = []
        for (path, content) in files {
            let url = directory.appendingPathComponent(path)
            if manager.fileExists(atPath: url.path) {
                if (try? Data(contentsOf: url)) == Data(content.utf8) {
                    unchanged.append(path)
                } else {
                    conflicts.append(path)
                }
            } else {
                created.append((path, content))
            }
        }
        // lockmaster.yaml may differ only by a user's own settings, and its schema by the version of
        // Lockmaster that wrote it: keep both rather than call them conflicts.
        for kept in [LockmasterSettings.fileName, SettingsSchema.fileName] {
            guard let index = conflicts.firstIndex(of: kept) else { continue }
            conflicts.remove(at: index)
            unchanged.append(kept)
        }
        guard conflicts.isEmpty else { throw InitError.conflicts(directory: directory.path, paths: conflicts) }

        return try await Interruption.deferring {
            try write(created, into: directory)
            var initializedGit = false
            if workTree == nil, !created.isEmpty {
                do {
                    try await git.initialize(at: directory, initialBranch: settings.branch)
                } catch {
                    // Nothing is kept: the files just written, the partial .git, the directory if it was new.
                    for (path, _) in created { try? manager.removeItem(at: directory.appendingPathComponent(path)) }
                    try? manager.removeItem(at: directory.appendingPathComponent(".git"))
                    Self.removeEmptyDirectories(under: directory, keepRoot: exists)
                    throw InitError.writeFailed(path: directory.path, reason: "\(error)")
                }
                initializedGit = true
            }
            return InitResult(
                directory: directory.path, created: created.map(\.0), unchanged: unchanged.sorted(),
                initializedGit: initializedGit)
        }
    }

    /// Writes every file or none: on a failure, what was written (files and new directories) is removed.
    private func write(_ files: [(String, String)], into directory: URL) throws {
        let manager = FileManager.default
        var createdDirectories: [URL] = []
        var writtenFiles: [URL] = []
        func ensureDirectory(_ url: URL) throws {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) { return }
            try ensureDirectory(url.deletingLastPathComponent())
            try manager.createDirectory(at: url, withIntermediateDirectories: false)
            createdDirectories.append(url)
        }
        do {
            for (path, content) in files {
                let url = directory.appendingPathComponent(path)
                try ensureDirectory(url.deletingLastPathComponent())
                try AtomicFile.write(Data(content.utf8), to: url)
                writtenFiles.append(url)
            }
        } catch {
            for url in writtenFiles.reversed() { try? manager.removeItem(at: url) }
            for url in createdDirectories.reversed() { try? manager.removeItem(at: url) }
            let reason = (error as? AtomicFileError)?.description ?? "\(error)"
            throw InitError.writeFailed(path: directory.path, reason: reason)
        }
    }

    /// Removes the directories under `root` that are empty (deepest first), and `root` too unless asked to keep it.
    static func removeEmptyDirectories(under root: URL, keepRoot: Bool) {
        let manager = FileManager.default
        let paths = ((manager.enumerator(atPath: root.path)?.allObjects as? [String]) ?? []).sorted {
            $0.count > $1.count
        }
        for path in paths {
            let url = root.appendingPathComponent(path)
            if (try? manager.contentsOfDirectory(atPath: url.path))?.isEmpty == true {
                try? manager.removeItem(at: url)
            }
        }
        if !keepRoot, (try? manager.contentsOfDirectory(atPath: root.path))?.isEmpty == true {
            try? manager.removeItem(at: root)
        }
    }

    /// `oci://host[:port]/path` with no tag or digest.
    static func isRepositoryURL(_ url: String) -> Bool {
        guard url.hasPrefix("oci://") else { return false }
        let rest = url.dropFirst("oci://".count)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else { return false }
        let path = rest[rest.index(after: slash)...]
        return !path.isEmpty && !path.contains(":") && !path.contains("@") && !path.hasSuffix("/")
    }
}
