public import Foundation
import Artifacts
import GitKit
import Manifests
import Platform
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

    public init(repository: URL, environment: String, ref: String? = nil, version: String? = nil, allowRemote: Bool = false, offline: Bool = false) {
        self.repository = repository
        self.environment = environment
        self.ref = ref
        self.version = version
        self.allowRemote = allowRemote
        self.offline = offline
    }
}

/// Renders what Flux would apply for an environment: its entry directory, then every Flux Kustomization
/// found, recursively, through its source and path; `postBuild` substitution applied.
public struct PlatformRenderer: Sendable {
    private let access: RegistryAccess
    private let runner: any ProcessRunner
    private let kubectl: String
    private let git: any GitClient

    public init(access: RegistryAccess = RegistryAccess(), runner: any ProcessRunner = SystemProcessRunner(),
                kubectl: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl") {
        self.access = access
        self.runner = runner
        self.kubectl = kubectl
        git = ProcessGitClient()
    }

    public func run(_ request: RenderRequest) async throws -> RenderReport {
        try await run(request, cache: BuildCache())
    }

    /// Renders with a cache shared with another render (`diff` renders both sides through one).
    func run(_ request: RenderRequest, cache: BuildCache) async throws -> RenderReport {
        let trees = try SourceTrees(repository: request.repository)
        defer { trees.removeAll() }
        let snapshot = try await trees.git(request.ref)
        let repository = try PlatformRepository.load(root: snapshot)
        guard let environment = repository.environment(named: request.environment) else {
            throw ResolveError.unknownEnvironment(request.environment, known: repository.environments.map(\.name))
        }
        let builder = KustomizeBuilder(runner: runner, kubectl: kubectl, allowRemote: request.allowRemote)
        let identity = await RepositoryIdentity.read(repository, checkout: request.repository, git: git)
        var report = RenderReport(environment: environment.name, objects: [], problems: [], warnings: [])
        let entry = Self.entryLabel

        // Wave by wave: the Flux Kustomizations found in one wave's objects make the next. Plain paths of
        // one source are built together in one kustomize run; the rest, and each batch, run concurrently.
        var wave = [Job(label: entry, tree: snapshot, path: environment.entryPath, spec: nil,
                        overlay: await BootstrapFiles.overlay(for: environment, tree: snapshot, repository: repository, checkout: request.repository, git: git))]
        var visited: Set<String> = [entry]
        while !wave.isEmpty {
            let results = await build(wave, builder: builder, trees: trees, cache: cache)
            var found: [RenderedObject] = []
            for job in wave {
                switch results[job.label] {
                case let .success(built)?:
                    var objects = built.map { RenderedObject(kustomization: job.label, source: $0.source, node: $0.node) }
                    if let spec = job.spec {
                        objects = substitute(objects, spec: spec, label: job.label, known: report.objects + found + objects, warnings: &report.warnings)
                    }
                    found += objects
                case let .failure(error)?:
                    let remote = if case let KustomizeBuilder.BuildError.confinement(violations) = error {
                        violations.allSatisfy { if case .remote = $0 { true } else { false } }
                    } else { false }
                    report.problems.append(RenderProblem(kustomization: job.label, path: "./" + job.path, message: "\(error)", cause: remote ? .remote : .build))
                case nil:
                    break
                }
            }
            report.objects += found
            wave = []
            for rendered in found {
                guard rendered.apiVersion.hasPrefix(FluxAPI.kustomizeGroup + "/"), rendered.kind == "Kustomization",
                      let kustomization = FluxKustomization(object(rendered)) else { continue }
                let label = "\(kustomization.object.effectiveNamespace)/\(kustomization.object.name ?? "")"
                guard visited.insert(label).inserted else { continue }
                let source = kustomization.sourceRef.flatMap { reference in
                    report.objects.first { object($0).reference == reference && object($0).kind == reference.kind }
                }
                // The GitRepository that flux bootstrap will write (before bootstrap), or that a FluxInstance's
                // spec.sync makes, is this repository (offline, an operator's OCI sync too: it is this
                // repository published).
                let instanceSource = environment.instance?.syncObjects.first.flatMap { $0.kind == "GitRepository" || request.offline ? $0 : nil }
                let thisRepository = source == nil && kustomization.sourceRef != nil
                    && (environment.entry == nil && environment.instance == nil && kustomization.sourceRef == FluxAPI.bootstrapSource
                        || kustomization.sourceRef == instanceSource)
                guard source != nil || thisRepository else {
                    let (message, cause) = Self.missingSource(kustomization.sourceRef, in: report.objects.map(object))
                    report.problems.append(RenderProblem(kustomization: label, path: "./" + kustomization.normalizedPath, message: message, cause: cause))
                    continue
                }
                if let git = source.flatMap({ GitRepository(object($0)) }), let url = git.url, !identity.isThisRepository(url) {
                    report.problems.append(RenderProblem(kustomization: label, path: "./" + kustomization.normalizedPath,
                                                         message: "its source GitRepository \(git.object.effectiveNamespace)/\(git.object.name ?? "") is another repository (\(Inert.line(url))); "
                                                            + "it is not rendered offline, and never read from this one", cause: .unavailable))
                    continue
                }
                do {
                    let tree = if let source {
                        try await sourceTree(object(source), environment: environment, request: request, settings: repository.settings, trees: trees)
                    } else {
                        try await trees.git(request.ref)
                    }
                    if let git = source.flatMap({ GitRepository(object($0)) }),
                       let elsewhere = Self.elsewhere(git, path: kustomization.normalizedPath, in: tree, branch: repository.settings.branch) {
                        report.problems.append(RenderProblem(kustomization: label, path: "./" + kustomization.normalizedPath, message: elsewhere, cause: .unavailable))
                        continue
                    }
                    wave.append(Job(label: label, tree: tree, path: kustomization.normalizedPath, spec: rendered.node["spec"]))
                } catch {
                    report.problems.append(RenderProblem(kustomization: label, path: "./" + kustomization.normalizedPath, message: "source unavailable: \(error)",
                                                         cause: .unavailable))
                }
            }
        }
        return report
    }

    /// The label of an environment's own directory, built first, as the sync Kustomization would.
    static let entryLabel = "flux-system/flux-system"

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
        var label: String
        var tree: URL
        var path: String
        var spec: YAMLNode?
        /// Files to build as if they were in the tree (what flux bootstrap will write).
        var overlay: [String: Data] = [:]
        var inputs = BuildInputs()
    }

    /// Builds a wave: plain jobs sharing a tree together (falling back to one by one if that fails,
    /// so errors land on the right Kustomization), every group and special job concurrently.
    private func build(_ jobs: [Job], builder: KustomizeBuilder, trees: SourceTrees, cache: BuildCache) async -> [String: Result<[KustomizeBuilder.Built], any Error>] {
        var cached: [String: Result<[KustomizeBuilder.Built], any Error>] = [:]
        var keys: [String: String] = [:]
        var pending: [Job] = []
        for var job in jobs {
            job.inputs = builder.inputs(tree: job.tree, path: job.path, spec: job.spec)
            if job.overlay.isEmpty, let key = await cache.key(tree: job.tree, path: job.path, spec: job.spec, inputs: job.inputs) {
                keys[job.label] = key
                if let built = await cache.get(key) { cached[job.label] = .success(built); continue }
            }
            pending.append(job)
        }
        let built = await buildAll(pending, builder: builder, trees: trees)
        for (label, result) in built {
            if case let .success(objects) = result, let key = keys[label] { await cache.put(key, objects) }
        }
        return cached.merging(built) { first, _ in first }
    }

    private func buildAll(_ jobs: [Job], builder: KustomizeBuilder, trees: SourceTrees) async -> [String: Result<[KustomizeBuilder.Built], any Error>] {
        var groups: [[Job]] = []
        var plainByTree: [URL: [Job]] = [:]
        for job in jobs {
            if KustomizeBuilder.changesObjects(job.spec) || job.spec == nil { groups.append([job]) } else { plainByTree[job.tree, default: []].append(job) }
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
        return await withTaskGroup(of: [(String, Result<[KustomizeBuilder.Built], any Error>)].self) { group in
            for jobs in groups {
                group.addTask {
                    if jobs.count > 1, let built = try? await builder.buildTogether(tree: jobs[0].tree, paths: jobs.map(\.path), inputs: jobs.map(\.inputs),
                                                                                    scratch: try await trees.scratch()) {
                        return jobs.map { ($0.label, .success(built[$0.path] ?? [])) }
                    }
                    var results: [(String, Result<[KustomizeBuilder.Built], any Error>)] = []
                    for job in jobs {
                        do {
                            results.append((job.label, .success(try await builder.build(tree: job.tree, path: job.path, spec: job.spec, inputs: job.inputs,
                                                                                                   scratch: try await trees.scratch(), overlay: job.overlay))))
                        } catch {
                            results.append((job.label, .failure(error)))
                        }
                    }
                    return results
                }
            }
            var all: [String: Result<[KustomizeBuilder.Built], any Error>] = [:]
            for await results in group { for (label, result) in results { all[label] = result } }
            return all
        }
    }

    private func object(_ rendered: RenderedObject) -> KubernetesObject {
        KubernetesObject(apiVersion: rendered.apiVersion, kind: rendered.kind, name: rendered.name, namespace: rendered.namespace,
                         location: SourceLocation(path: rendered.source ?? rendered.kustomization), documentIndex: 0, root: rendered.node)
    }

    /// The content a source delivers: the snapshot for git, the resolved (or requested) artifact for OCI.
    private func sourceTree(_ source: KubernetesObject, environment: PlatformEnvironment, request: RenderRequest,
                            settings: LockmasterSettings, trees: SourceTrees) async throws -> URL {
        if GitRepository(source) != nil { return try await trees.git(request.ref) }
        guard let oci = OCIRepository(source) else { throw ResolveError.notOCI(environment: source.displayName, kind: source.kind, ref: nil) }
        let isPlatform = environment.source?.object.reference == source.reference
        if request.offline {
            // The platform artifact holds the repository's platform paths as they are in git.
            guard isPlatform else { throw RenderError.notOffline("OCIRepository \(oci.object.effectiveNamespace)/\(oci.object.name ?? "") (\(Inert.line(oci.url ?? "no url")))") }
            return try await trees.git(request.ref)
        }
        guard let target = (isPlatform ? settings.artifact : nil) ?? oci.url else { throw ResolveError.noRepository }
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

    /// `postBuild`: variables from `substituteFrom` (ConfigMaps found in the render, in order; Secrets
    /// stay placeholders) and `substitute` (last wins), applied per object unless it opts out.
    private func substitute(_ objects: [RenderedObject], spec: YAMLNode, label: String, known: [RenderedObject], warnings: inout [String]) -> [RenderedObject] {
        guard let postBuild = spec["postBuild"] else { return objects }
        var variables: [String: String] = [:]
        for reference in postBuild["substituteFrom"]?.items ?? [] {
            let kind = reference.string(at: ["kind"]) ?? "ConfigMap", name = reference.string(at: ["name"]) ?? ""
            let optional = reference.string(at: ["optional"]) == "true"
            guard let found = known.first(where: { $0.kind == kind && $0.name == name }) else {
                if !optional { warnings.append("\(label): substituteFrom \(kind)/\(name) is not in the render; its variables are left empty") }
                continue
            }
            for pair in found.node["data"]?.pairs ?? [] {
                guard let key = pair.key.string else { continue }
                // Secret values are never rendered: the variable stays a placeholder.
                variables[key] = kind == "Secret" ? "${\(key)}" : pair.value.string ?? ""
            }
            if kind == "Secret" { warnings.append("\(label): variables from Secret \(name) are left as placeholders") }
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
            var substitution = Substitution(variables: variables)
            do {
                let text = try substitution.apply(rendered.node.yamlText())
                if !substitution.undefined.isEmpty {
                    warnings.append("\(label): \(rendered.key) uses undefined variables \(substitution.undefined.joined(separator: ", ")) (empty)")
                }
                guard let node = try YAMLDocumentReader.documents(in: text).first else { return rendered }
                var copy = rendered
                copy.node = node
                return copy
            } catch {
                warnings.append("\(label): \(rendered.key): substitution failed: \(error)")
                return rendered
            }
        }
    }
}
