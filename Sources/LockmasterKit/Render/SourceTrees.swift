import Artifacts
import Foundation
import GitKit
import Platform
import Support

/// Directories holding the content Flux sources deliver: the work tree, the repository at a git ref
/// (every tracked file, as Flux clones it; the work tree untouched), or an extracted artifact. They
/// live in one private scratch directory, removed with this value (and on Ctrl-C).
actor SourceTrees {
    nonisolated let workspace: URL
    private let scratchDirectory: ScratchDirectory
    private let repository: URL
    private let git: any GitClient
    private var trees: [String: URL] = [:]
    private var repositories: [URL: PlatformRepository] = [:]
    /// The settings every tree is read with (check and diff: the base's); nil: each tree's own file.
    private let settings: LockmasterSettings?

    init(repository: URL, settings: LockmasterSettings? = nil, git: any GitClient = ProcessGitClient()) throws {
        self.repository = repository
        self.settings = settings
        self.git = git
        scratchDirectory = try ScratchDirectory(prefix: "lockmaster-render")
        workspace = scratchDirectory.url
    }

    /// Removes every tree now.
    nonisolated func removeAll() {
        scratchDirectory.remove()
    }

    /// The repository as of `ref`, or the work tree itself when `ref` is nil.
    func git(_ ref: String?) async throws -> URL {
        guard let ref else { return repository }
        if let tree = trees["git:\(ref)"] { return tree }
        let tree = workspace.appendingPathComponent("git-\(trees.count)")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try await git.export(ref, to: tree, in: repository)
        trees["git:\(ref)"] = tree
        return tree
    }

    /// The files of an artifact, extracted once per digest.
    /// - Parameter limit: the most the layer may inflate to, in bytes.
    func artifact(_ tag: String, digest: String, from store: any ArtifactStore, limit: Int) async throws -> URL {
        if let tree = trees["oci:\(digest)"] { return tree }
        guard let fetched = try await store.manifest(digest), let manifest = OCIManifest.decode(fetched.data),
            let layer = manifest.layers.first(where: { $0.mediaType == FluxArtifact.layerMediaType })
                ?? manifest.layers.first
        else {
            throw ResolveError.tagMissing(tag: tag, repository: store.location)
        }
        let tree = workspace.appendingPathComponent("oci-\(trees.count)")
        for file in try ArtifactReader.files(in: try await store.blob(layer.digest, size: layer.size), limit: limit) {
            let clean = file.path.split(separator: "/").filter { $0 != "." && $0 != ".." }.joined(separator: "/")
            guard !clean.isEmpty else { continue }
            let target = tree.appendingPathComponent(clean)
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.data.write(to: target)
        }
        trees["oci:\(digest)"] = tree
        return tree
    }

    /// The repository model of a tree, read once however many renders ask for it.
    func repository(at tree: URL) throws -> PlatformRepository {
        if let known = repositories[tree] { return known }
        let repository =
            try settings.map { PlatformRepository.load(root: tree, settings: $0) }
            ?? PlatformRepository.load(root: tree)
        repositories[tree] = repository
        return repository
    }

    /// A fresh directory for a generated kustomization.
    func scratch() throws -> URL {
        let directory = workspace.appendingPathComponent("build-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
