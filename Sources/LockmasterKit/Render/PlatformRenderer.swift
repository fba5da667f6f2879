import Artifacts
import Cluster
public import Foundation
public import GitKit
import Manifests
public import Platform
public import Support

/// What `lockmaster render ENV` is asked to do.
public struct RenderRequest: Sendable {
    public var repository: URL
    public var environment: String
    /// Render the repository as of this git ref instead of the work tree. Every GitRepository of the
    /// render reads the same revision.
    public var ref: String?
    /// The artifact version the environment's OCIRepository would pull, instead of what it resolves to.
    public var version: String?
    /// Let kustomize fetch remote resources (still without credentials). Off by default: a branch
    /// under review must not make the machine reach the network.
    public var allowRemote: Bool
    /// Read what this repository holds from the work tree (or `ref`) only: the platform's OCIRepository
    /// and a Flux Operator's OCI sync are the repository as published; no registry is contacted, and the
    /// sources of other repositories are reported as not rendered. The merge guard renders this way.
    public var offline: Bool
    /// Build without the kernel wall (`--unconfined`): only for trusted content where the kernel has none.
    public var unconfined: Bool
    /// The settings to read the repository with (gc: the branch of record's); nil: its own file.
    public var settings: LockmasterSettings?
    /// The revision whose environments say which Git URLs are this repository (check and diff: the
    /// base), so that a change cannot declare another repository its own; nil: the revision rendered.
    var identityRef: String?

    public init(
        repository: URL, environment: String, ref: String? = nil, version: String? = nil, allowRemote: Bool = false,
        offline: Bool = false,
        unconfined: Bool = false
    ) {
        self.repository = repository
        self.environment = environment
        self.ref = ref
        self.version = version
        self.allowRemote = allowRemote
        self.offline = offline
        self.unconfined = unconfined
    }
}

/// Renders what Flux would apply for an environment: its entry directory, then every Flux Kustomization
/// found, recursively, through its source and path; `postBuild` substitution applied.
public struct PlatformRenderer: Sendable {
    private let access: RegistryAccess
    private let runner: any ProcessRunner
    private let kubectl: String
    private let git: any GitClient
    /// Where builds are kept between runs; nil keeps them for this run only.
    let cacheDirectory: RenderCacheDirectory?

    public init(
        access: RegistryAccess = RegistryAccess(), runner: any ProcessRunner = SystemProcessRunner(),
        kubectl: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl",
        cacheDirectory: RenderCacheDirectory? = nil,
        git: any GitClient = ProcessGitClient()
    ) {
        self.access = access
        self.runner = runner
        self.kubectl = kubectl
        self.cacheDirectory = cacheDirectory
        self.git = git
    }

    public func run(_ request: RenderRequest) async throws -> RenderReport {
        let cache = BuildCache(directory: cacheDirectory)
        let trees = try SourceTrees(repository: request.repository, settings: request.settings)
        defer { trees.removeAll() }
        let report = try await session(request, cache: cache, trees: trees).report()
        await cache.finish()
        return report
    }

    /// Renders with a cache and source trees shared with other renders (`diff` renders both sides, and
    /// `check` every environment, through one of each).
    func run(_ request: RenderRequest, cache: BuildCache, trees: SourceTrees) async throws -> RenderReport {
        try await session(request, cache: cache, trees: trees).report()
    }

    /// What every Kustomization of one render builds with.
    struct Context: Sendable {
        var repository: PlatformRepository
        var builder: KustomizeBuilder
        var wall: ConfinedKustomize.Wall
        /// Fetches remote files from the hosts the settings allow (`--allow-remote`).
        var fetcher: RemoteFileFetcher
        var trees: SourceTrees
        var cache: BuildCache
        var identity: RepositoryIdentity
        var scheduler: BuildScheduler
        var sources: SourceResolver
    }

    /// Renders an environment into a session whose slots can still be read and built; with
    /// `deferLeaves`, Kustomizations that hold no other are left unbuilt until asked for.
    func session(_ request: RenderRequest, cache: BuildCache, trees: SourceTrees, deferLeaves: Bool = false)
        async throws -> RenderSession
    {
        let snapshot = try await trees.git(request.ref)
        let repository = try await trees.repository(at: snapshot)
        guard let environment = repository.environment(named: request.environment) else {
            throw RepositoryStateError.unknownEnvironment(request.environment, in: repository)
        }
        let builder = KustomizeBuilder(
            runner: runner, kubectl: kubectl, allowRemote: request.allowRemote, unconfined: request.unconfined)
        // Where the kernel cannot confine builds, nothing is built (not one problem per Kustomization).
        let wall = try builder.confined.wall()
        // The hosts --allow-remote may fetch from are the branch of record's, never a branch's own.
        let hosts =
            request.allowRemote
            ? (try? await BranchOfRecordSettings.read(root: request.repository, git: git).settings.remoteHosts) ?? []
            : []
        let context = Context(
            repository: repository, builder: builder, wall: wall, fetcher: RemoteFileFetcher(allowedHosts: hosts),
            trees: trees, cache: cache,
            identity: await RepositoryIdentity.read(
                try await identitySource(request, trees: trees) ?? repository, checkout: request.repository, git: git),
            scheduler: BuildScheduler(builder: builder, trees: trees, cache: cache),
            sources: SourceResolver(access: access, repository: repository, trees: trees))
        let session = RenderSession(
            request: request, context: context, environment: environment, deferLeaves: deferLeaves)
        await session.run(
            entry: BuildJob(
                kustomization: .entry, tree: snapshot, path: environment.entryPath, spec: nil,
                overlay: await BootstrapFiles.overlay(
                    for: environment, tree: snapshot, repository: repository, checkout: request.repository, git: git)))
        return session
    }

    /// The repository as of `identityRef`, whose environments name the URLs that are this repository.
    private func identitySource(_ request: RenderRequest, trees: SourceTrees) async throws -> PlatformRepository? {
        guard let ref = request.identityRef else { return nil }
        return try await trees.repository(at: try await trees.git(ref))
    }

    /// How this renderer's builds run (`--unconfined` or the kernel wall), or why they are refused.
    func wall(unconfined: Bool) throws -> ConfinedKustomize.Wall {
        try KustomizeBuilder(runner: runner, kubectl: kubectl, unconfined: unconfined).confined.wall()
    }
}
