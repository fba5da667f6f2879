public import Foundation
import Artifacts
import Cluster
import GitKit
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

    public init(repository: URL, environment: String, ref: String? = nil, version: String? = nil, allowRemote: Bool = false, offline: Bool = false,
                unconfined: Bool = false) {
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

    public init(access: RegistryAccess = RegistryAccess(), runner: any ProcessRunner = SystemProcessRunner(),
                kubectl: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl", cacheDirectory: RenderCacheDirectory? = nil) {
        self.access = access
        self.runner = runner
        self.kubectl = kubectl
        self.cacheDirectory = cacheDirectory
        git = ProcessGitClient()
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
    }

    /// Renders an environment into a session whose slots can still be read and built; with
    /// `deferLeaves`, Kustomizations that hold no other are left unbuilt until asked for.
    func session(_ request: RenderRequest, cache: BuildCache, trees: SourceTrees, deferLeaves: Bool = false) async throws -> RenderSession {
        let snapshot = try await trees.git(request.ref)
        let repository = try await trees.repository(at: snapshot)
        guard let environment = repository.environment(named: request.environment) else {
            throw RepositoryStateError.unknownEnvironment(request.environment, in: repository)
        }
        let builder = KustomizeBuilder(runner: runner, kubectl: kubectl, allowRemote: request.allowRemote, unconfined: request.unconfined)
        // Where the kernel cannot confine builds, nothing is built (not one problem per Kustomization).
        let wall = try builder.confined.wall()
        // The hosts --allow-remote may fetch from are the branch of record's, never a branch's own.
        let hosts = request.allowRemote ? (try? await BranchOfRecordSettings.read(root: request.repository, git: git).settings.remoteHosts) ?? [] : []
        let context = Context(repository: repository, builder: builder, wall: wall, fetcher: RemoteFileFetcher(allowedHosts: hosts),
                              trees: trees, cache: cache,
                              identity: await RepositoryIdentity.read(try await identitySource(request, trees: trees) ?? repository, checkout: request.repository, git: git))
        let session = RenderSession(renderer: self, request: request, context: context, environment: environment, deferLeaves: deferLeaves)
        await session.run(entry: Job(kustomization: .entry, tree: snapshot, path: environment.entryPath, spec: nil,
                                     overlay: await BootstrapFiles.overlay(for: environment, tree: snapshot, repository: repository, checkout: request.repository, git: git)))
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


    /// Why a path is missing when its GitRepository follows another ref than the branch of record:
    /// render reads every GitRepository from this repository's work tree (or `--ref`), not from that ref.
    static func elsewhere(_ git: GitRepository, path: String, in tree: URL, branch: String) -> String? {
        guard !FileManager.default.fileExists(atPath: tree.appendingPathComponent(path).path) else { return nil }
        // Flux's precedence for a GitRepository ref: commit, name, tag, semver, branch.
        guard let fields = git.ref else { return nil }
        let followed: [(String, String?)] = [("commit", fields.commit), ("ref", fields.name), ("tag", fields.tag), ("semver", fields.semver),
                                             ("branch", fields.branch == branch ? nil : fields.branch)]
        guard let (field, value) = followed.first(where: { $0.1 != nil }), let value else { return nil }
        let ref = "\(field) \(value)"
        return "./\(path) is not in the revision rendered; its source GitRepository \(git.object.effectiveNamespace)/\(git.object.name ?? "") follows \(ref), "
            + "and render reads every GitRepository from this repository's work tree (or --ref)"
    }

    /// Why a Kustomization's source cannot be read: not declared, or made in the cluster — by a
    /// FluxInstance's spec.sync, or by an ArtifactGenerator (source-watcher assembles ExternalArtifacts
    /// there; they have no offline form).
    /// A source made in the cluster cannot be read offline (`unavailable`); one declared nowhere is a
    /// dangling reference the merge guard reports (`undeclared`).
    static func missingSource(_ reference: ObjectReference?, in objects: [KubernetesObject]) -> (message: String, cause: RenderProblem.Cause) {
        guard let reference else { return ("it has no sourceRef", .undeclared) }
        if let instance = objects.compactMap(FluxInstance.init).first(where: { $0.syncObjects.contains(reference) }) {
            return ("its source \(reference) is made in the cluster by FluxInstance \(instance.object.effectiveNamespace)/\(instance.object.name ?? "")"
                + " from \(instance.sync?.url ?? "its spec.sync"); render reads only sources declared in git", .unavailable)
        }
        if let generator = objects.compactMap(ArtifactGenerator.init).first(where: { $0.artifacts.contains(reference) }) {
            return ("its source \(reference) is generated in the cluster by ArtifactGenerator \(generator.object.effectiveNamespace)/\(generator.object.name ?? ""); render cannot build it offline",
                    .unavailable)
        }
        return ("its source \(reference) is not in the render", .undeclared)
    }

    /// One Flux Kustomization to build: its path in a source tree, its spec (nil for the entry), and what
    /// the build reads (scanned once per wave: it confines the build and keys its reuse).
    struct Job: Sendable {
        var kustomization: KustomizationID
        var tree: URL
        var path: String
        var spec: YAMLNode?
        /// Files to build as if they were in the tree (what flux bootstrap will write).
        var overlay: [String: Data] = [:]
        var inputs = BuildInputs()
        /// The remote files the build reads, fetched by Lockmaster (`--allow-remote`), by URL.
        var fetched: [String: Data] = [:]
    }

    /// Builds jobs: each reusable one (with a key) from the cache when it is there; the rest plain jobs
    /// sharing a tree together (falling back to one by one if that fails, so errors land on the right
    /// Kustomization), every group and special job concurrently, as many at once as there are cores.
    func build(_ jobs: [(job: Job, key: String?)], context: Context) async -> [KustomizationID: Result<[KustomizeBuilder.Built], any Error>] {
        var cached: [KustomizationID: Result<[KustomizeBuilder.Built], any Error>] = [:]
        var keys: [KustomizationID: String] = [:]
        var pending: [Job] = []
        for (job, key) in jobs {
            if let key {
                keys[job.kustomization] = key
                if let built = await context.cache.get(key) { cached[job.kustomization] = .success(built); continue }
            }
            pending.append(job)
        }
        let built = await buildAll(pending, builder: context.builder, trees: context.trees)
        for (kustomization, result) in built {
            if case let .success(objects) = result, let key = keys[kustomization] { await context.cache.put(key, objects) }
        }
        return cached.merging(built) { first, _ in first }
    }

    private func buildAll(_ jobs: [Job], builder: KustomizeBuilder, trees: SourceTrees) async -> [KustomizationID: Result<[KustomizeBuilder.Built], any Error>] {
        var groups: [[Job]] = []
        var plainByTree: [URL: [Job]] = [:]
        for job in jobs {
            if KustomizeBuilder.changesObjects(job.spec) || job.spec == nil || !job.inputs.remoteFiles.isEmpty {
                groups.append([job])
            } else {
                plainByTree[job.tree, default: []].append(job)
            }
        }
        for (_, plain) in plainByTree {
            // A path inside another would put the same files in one build twice. Jobs are layered by how
            // many other paths contain theirs: within a layer none contains another, so each layer is one
            // batch. Repeated paths go alone.
            let paths = plain.map(\.path)
            func contains(_ outer: String, _ inner: String) -> Bool { outer != inner && (outer.isEmpty || inner.hasPrefix(outer + "/")) }
            var layers: [Int: [Job]] = [:]
            for job in plain {
                if paths.filter({ $0 == job.path }).count > 1 { groups.append([job]); continue }
                layers[paths.filter { contains($0, job.path) }.count, default: []].append(job)
            }
            for (_, layer) in layers.sorted(by: { $0.key < $1.key }) {
                if layer.count > 1 { groups.append(layer) } else { groups += layer.map { [$0] } }
            }
        }
        return await withTaskGroup(of: [(KustomizationID, Result<[KustomizeBuilder.Built], any Error>)].self) { group in
            var all: [KustomizationID: Result<[KustomizeBuilder.Built], any Error>] = [:]
            // One kustomize per core at a time: more only wait for each other and hold memory.
            var running = 0
            for jobs in groups {
                if running == Self.parallelBuilds, let results = await group.next() {
                    for (kustomization, result) in results { all[kustomization] = result }
                    running -= 1
                }
                running += 1
                group.addTask {
                    if jobs.count > 1, let built = try? await builder.buildTogether(tree: jobs[0].tree, paths: jobs.map(\.path), inputs: jobs.map(\.inputs),
                                                                                    scratch: try await trees.scratch()) {
                        return jobs.map { ($0.kustomization, .success(built[$0.path] ?? [])) }
                    }
                    var results: [(KustomizationID, Result<[KustomizeBuilder.Built], any Error>)] = []
                    for job in jobs {
                        do {
                            results.append((job.kustomization, .success(try await builder.build(tree: job.tree, path: job.path, spec: job.spec, inputs: job.inputs,
                                                                                                   scratch: try await trees.scratch(), overlay: job.overlay,
                                                                                                   fetched: job.fetched))))
                        } catch {
                            results.append((job.kustomization, .failure(error)))
                        }
                    }
                    return results
                }
            }
            for await results in group { for (kustomization, result) in results { all[kustomization] = result } }
            return all
        }
    }

    /// Builds at once: the machine's cores.
    static let parallelBuilds = max(1, ProcessInfo.processInfo.activeProcessorCount)

    static func object(_ rendered: RenderedObject) -> KubernetesObject {
        KubernetesObject(apiVersion: rendered.apiVersion, kind: rendered.kind, name: rendered.name, namespace: rendered.namespace,
                         location: SourceLocation(path: rendered.source ?? rendered.kustomization.description), documentIndex: 0, root: rendered.node)
    }

    /// The content a source delivers: the snapshot for git, the resolved (or requested) artifact for OCI.
    func sourceTree(_ source: KubernetesObject, environment: PlatformEnvironment, request: RenderRequest, context: Context) async throws -> URL {
        let settings = context.repository.settings, trees = context.trees
        if GitRepository(source) != nil { return try await trees.git(request.ref) }
        guard let oci = OCIRepository(source) else { throw ResolveError.notOCI(environment: source.displayName, kind: source.kind, ref: nil) }
        let isPlatform = environment.source?.object.reference == source.reference
        if request.offline {
            // The platform artifact holds the repository's platform paths as they are in git.
            guard isPlatform else { throw RenderError.notOffline("OCIRepository \(oci.object.effectiveNamespace)/\(oci.object.name ?? "") (\(Inert.line(oci.url ?? "no url")))") }
            return try await trees.git(request.ref)
        }
        guard let target = (isPlatform ? settings.artifact : nil) ?? oci.url else { throw ResolveError.noRepository }
        // A path is a layout directory on this machine: only the settings may name one, never a manifest.
        guard target == settings.artifact || target.hasPrefix("oci://") else {
            throw RenderError.notOCIURL(source: "OCIRepository \(oci.object.effectiveNamespace)/\(oci.object.name ?? "")", url: Inert.line(target))
        }
        let store = try await access.store(for: target, relativeTo: request.repository, artifact: settings.artifact)
        var tag: String
        if isPlatform, let version = request.version {
            tag = version
        } else if let digest = oci.ref?.digest {
            return try await trees.artifact(digest, digest: digest, from: store, limit: settings.artifactSizeLimitMiB << 20)
        } else if let range = oci.ref?.semver {
            tag = try TagSelector.select(from: try await store.listTags(), range: try SemverRange(range), filter: oci.ref?.semverFilter).tag
        } else {
            tag = oci.ref?.tag ?? "latest"
        }
        guard let digest = try await store.manifestDigest(tag) else { throw ResolveError.tagMissing(tag: tag, repository: store.location) }
        return try await trees.artifact(tag, digest: digest, from: store, limit: settings.artifactSizeLimitMiB << 20)
    }

    /// A `postBuild.substituteFrom` reference and the object it found in the render, if any.
    struct SubstitutionSource {
        var kind: String
        var name: String
        var optional: Bool
        var found: RenderedObject?
    }

    /// `postBuild`: variables from `substituteFrom` (ConfigMaps found in the render, in order; Secrets
    /// stay placeholders) and `substitute` (last wins), applied per object unless it opts out.
    func substitute(_ objects: [RenderedObject], spec: YAMLNode, kustomization: KustomizationID, sources: [SubstitutionSource], warnings: inout [String]) -> [RenderedObject] {
        guard let postBuild = spec["postBuild"] else { return objects }
        var variables: [String: String] = [:]
        for source in sources {
            let kind = source.kind, name = source.name
            guard let found = source.found else {
                if !source.optional { warnings.append("\(kustomization): substituteFrom \(kind)/\(name) is not in the render; its variables are left empty") }
                continue
            }
            for pair in found.node["data"]?.pairs ?? [] {
                guard let key = pair.key.string else { continue }
                // Secret values are never rendered: the variable stays a placeholder.
                variables[key] = kind == "Secret" ? "${\(key)}" : pair.value.string ?? ""
            }
            if kind == "Secret" { warnings.append("\(kustomization): variables from Secret \(name) are left as placeholders") }
        }
        for pair in postBuild["substitute"]?.pairs ?? [] {
            if let key = pair.key.string { variables[key] = pair.value.string ?? "" }
        }
        let always = postBuild.string(at: ["substituteStrategy"]) == "Always"
        guard always || !variables.isEmpty else { return objects }
        let optOut = "kustomize.toolkit.fluxcd.io/substitute"
        return objects.map { rendered in
            if rendered.node.string(at: ["metadata", "labels", optOut]) == "disabled"
                || rendered.node.string(at: ["metadata", "annotations", optOut]) == "disabled" { return rendered }
            // Without a `$` there is nothing to substitute (nor a `$$` to unescape).
            guard rendered.node.anyScalar(contains: "$") else { return rendered }
            var substitution = Substitution(variables: variables)
            do {
                let text = try substitution.apply(rendered.node.yamlText())
                if !substitution.undefined.isEmpty {
                    warnings.append("\(kustomization): \(rendered.key) uses undefined variables \(substitution.undefined.joined(separator: ", ")) (empty)")
                }
                guard let node = try YAMLDocumentReader.documents(in: text).first else { return rendered }
                var copy = rendered
                copy.node = node
                return copy
            } catch {
                warnings.append("\(kustomization): \(rendered.key): substitution failed: \(error)")
                return rendered
            }
        }
    }
}
