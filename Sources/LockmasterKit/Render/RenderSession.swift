import Artifacts
import Cluster
import Foundation
import Manifests
import Platform
import Support

/// One render in progress: the environment's entry, then wave by wave the Flux Kustomizations found in
/// the previous wave's objects. Each Kustomization has a slot, in the order a full render meets them;
/// every lookup a render makes (a Kustomization's source, a `substituteFrom` ConfigMap, what explains
/// a missing source) reads the slots before it in that order, so the answer does not depend on when a
/// slot was built.
///
/// With `deferLeaves`, a Kustomization whose inputs prove it holds no Flux Kustomization is not built
/// (its slot stays `deferred`) until a lookup might find something in it, or `force` asks for it:
/// `diff` leaves out what is the same on both sides this way.
final class RenderSession {
    enum State {
        case built([RenderedObject])
        case failed
        case deferred
    }

    struct Slot {
        var job: BuildJob
        var wave: Int
        /// The build's key (nil: not reusable) and what it reads.
        var fingerprint: BuildFingerprint?
        var state: State = .deferred
        var problem: RenderProblem?
        var warnings: [String] = []

        var objects: [RenderedObject] {
            if case .built(let objects) = state { objects } else { [] }
        }
    }

    let request: RenderRequest
    let context: PlatformRenderer.Context
    let environment: PlatformEnvironment
    private let deferLeaves: Bool
    private(set) var slots: [Slot] = []
    private var index: [KustomizationID: Int] = [:]
    /// Problems met while following a wave's Kustomizations to their sources, by wave.
    private var discoveryProblems: [Int: [RenderProblem]] = [:]

    init(request: RenderRequest, context: PlatformRenderer.Context, environment: PlatformEnvironment, deferLeaves: Bool)
    {
        self.request = request
        self.context = context
        self.environment = environment
        self.deferLeaves = deferLeaves
    }

    func slot(_ kustomization: KustomizationID) -> Slot? {
        index[kustomization].map { slots[$0] }
    }

    // MARK: Waves

    func run(entry: BuildJob) async {
        var wave = [entry]
        var visited: Set<KustomizationID> = [entry.kustomization]
        var number = 0
        while !wave.isEmpty {
            let first = slots.count
            await add(wave, number: number)
            wave = []
            for position in first..<slots.count {
                for rendered in slots[position].objects {
                    guard let job = await follow(rendered, wave: number, visited: &visited) else { continue }
                    wave.append(job)
                }
            }
            number += 1
        }
    }

    /// Scans, keys and builds a wave (deferring what may wait), then fills its slots in order.
    private func add(_ jobs: [BuildJob], number: Int) async {
        var prepared: [Slot] = []
        for var job in jobs {
            job.inputs = context.builder.inputs(tree: job.tree, path: job.path, spec: job.spec)
            // Remote files are fetched here, by Lockmaster, before the build: the confined build never reaches the network.
            for url in Set(job.inputs.remoteFiles.map(\.url)).sorted() {
                do throws(RemoteFileFetcher.FetchError) {
                    job.fetched[url] = try await context.fetcher.fetch(url)
                } catch {
                    job.inputs.violations.append(.notFetched(url: url, reason: error.description))
                }
            }
            let fingerprint =
                job.overlay.isEmpty
                ? await context.cache.fingerprint(
                    tree: job.tree, path: job.path, spec: job.spec, inputs: job.inputs,
                    fetched: job.fetched, reading: deferLeaves) : nil
            prepared.append(Slot(job: job, wave: number, fingerprint: fingerprint))
        }
        let now = prepared.filter { !mayWait($0) }
        let results = await context.scheduler.build(now.map { ($0.job, $0.fingerprint?.key) })
        for slot in prepared {
            index[slot.job.kustomization] = slots.count
            slots.append(slot)
            if let result = results[slot.job.kustomization] { await fill(slots.count - 1, with: result) }
        }
    }

    /// Whether a slot may stay unbuilt: deferring, not the entry, reusable, and proven to hold no Flux
    /// Kustomization (which would have to be followed).
    private func mayWait(_ slot: Slot) -> Bool {
        guard deferLeaves, slot.job.spec != nil, let fingerprint = slot.fingerprint else { return false }
        return !fingerprint.content.mayYieldFluxKustomization
    }

    /// Builds a deferred slot now.
    func force(_ position: Int) async {
        guard case .deferred = slots[position].state else { return }
        let slot = slots[position]
        let results = await context.scheduler.build([(slot.job, slot.fingerprint?.key)])
        if let result = results[slot.job.kustomization] { await fill(position, with: result) }
    }

    func force(_ kustomization: KustomizationID) async {
        if let position = index[kustomization] { await force(position) }
    }

    /// A build's objects, substituted with what the slots before this one hold, or its problem.
    private func fill(_ position: Int, with result: Result<[KustomizeBuilder.Built], any Error>) async {
        let job = slots[position].job
        switch result {
        case .success(let built):
            var objects = built.map {
                RenderedObject(kustomization: job.kustomization, source: $0.source, node: $0.node)
            }
            var warnings: [String] = []
            if let spec = job.spec {
                let sources = await substitutionSources(spec, before: position, own: objects)
                objects = PostBuildSubstitution.apply(
                    to: objects, spec: spec, kustomization: job.kustomization, sources: sources, warnings: &warnings)
            }
            slots[position].state = .built(objects)
            slots[position].warnings = warnings
        case .failure(let error):
            let remote =
                if case KustomizeBuilder.BuildError.confinement(let violations) = error {
                    violations.allSatisfy { if case .remote = $0 { true } else { false } }
                } else { false }
            slots[position].state = .failed
            // What a remote build reads of this repository: the same remote text on both sides leaves
            // it untouched only if none of these changed, and only if it applies no Kustomizations
            // (whose content, unfound, could be anything of this repository).
            // (The remote text itself is not read: it is the same on both sides, and is taken to apply
            // nothing of this repository.)
            let local = job.inputs.files.compactMap {
                try? String(contentsOf: job.tree.appendingPathComponent($0), encoding: .utf8)
            }
            let parent =
                local.count < job.inputs.files.count
                || BuildContent(text: local.joined(separator: "\n"), incomplete: false).mayYieldFluxKustomization
            slots[position].problem = RenderProblem(
                kustomization: job.kustomization, path: "./" + job.path, message: "\(error)",
                cause: remote ? .remote : .build, reads: parent ? [""] : [job.path] + job.inputs.files)
        }
    }

    /// Whether any file under `folder` of `tree` could declare a Flux Kustomization.
    static func mayYieldFluxKustomization(under folder: String, in tree: URL) -> Bool {
        let root = tree.appendingPathComponent(folder)
        if let data = FileManager.default.contents(atPath: root.path) {
            return BuildContent(text: String(decoding: data, as: UTF8.self), incomplete: false)
                .mayYieldFluxKustomization
        }
        guard let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return false }
        for case let url as URL in walk {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            if BuildContent(text: String(decoding: data, as: UTF8.self), incomplete: false).mayYieldFluxKustomization {
                return true
            }
        }
        return false
    }

    // MARK: Lookups

    /// The first object of the slots before `end` (then of `own`) of `kind` named `name` that
    /// satisfies `match`; deferred slots that might hold it are built first.
    func first(
        before end: Int, own: [RenderedObject] = [], kind: String, name: String?, namespace: String? = nil,
        where match: (RenderedObject) -> Bool
    ) async -> RenderedObject? {
        for position in 0..<end {
            if case .deferred = slots[position].state {
                guard
                    slots[position].fingerprint?.content.mayContain(kind: kind, name: name, namespace: namespace)
                        ?? true
                else { continue }
                await force(position)
            }
            if let found = slots[position].objects.first(where: match) { return found }
        }
        return own.first(where: match)
    }

    /// `postBuild.substituteFrom`: each reference and the object it finds (kind and name, as Flux reads
    /// it in the Kustomization's namespace from what is applied before it).
    func substitutionSources(_ spec: YAMLNode, before end: Int, own: [RenderedObject]) async -> [PostBuildSubstitution
        .Source]
    {
        var sources: [PostBuildSubstitution.Source] = []
        for reference in spec["postBuild"]?["substituteFrom"]?.items ?? [] {
            let kind = reference.string(at: ["kind"]) ?? "ConfigMap"
            let name = reference.string(at: ["name"]) ?? ""
            let found = await first(before: end, own: own, kind: kind, name: name) {
                $0.kind == kind && $0.name == name
            }
            sources.append(
                .init(kind: kind, name: name, optional: reference.string(at: ["optional"]) == "true", found: found))
        }
        return sources
    }

    /// Every object of the render, deferred slots that might hold `kind` built first.
    func all(mayBe kinds: [String]) async -> [RenderedObject] {
        for position in slots.indices {
            guard case .deferred = slots[position].state,
                kinds.contains(where: { slots[position].fingerprint?.content.mayContain(kind: $0, name: nil) ?? true })
            else { continue }
            await force(position)
        }
        return slots.flatMap(\.objects)
    }

    // MARK: Following Kustomizations

    /// The job for a Flux Kustomization found in a wave, or nil (not one, already seen, or a problem).
    private func follow(_ rendered: RenderedObject, wave: Int, visited: inout Set<KustomizationID>) async -> BuildJob? {
        guard rendered.apiVersion.hasPrefix(FluxAPI.kustomizeGroup + "/"), rendered.kind == "Kustomization",
            let kustomization = FluxKustomization(rendered.object)
        else { return nil }
        let id = KustomizationID(kustomization.object)
        guard visited.insert(id).inserted else { return nil }
        let path = "./" + kustomization.normalizedPath
        func problem(_ message: String, _ cause: RenderProblem.Cause) -> BuildJob? {
            discoveryProblems[wave, default: []].append(
                RenderProblem(kustomization: id, path: path, message: message, cause: cause))
            return nil
        }
        var source: RenderedObject?
        if let reference = kustomization.sourceRef {
            source = await first(
                before: slots.count, kind: reference.kind, name: reference.name, namespace: reference.namespace
            ) {
                $0.object.reference == reference
            }
        }
        // The GitRepository that flux bootstrap will write (before bootstrap), or that a FluxInstance's
        // spec.sync makes, is this repository; so is an operator's OCI sync whose path this repository
        // holds: the artifact its CI publishes from here (read from git, as every GitRepository is).
        var instanceSource = environment.instance?.syncObjects.first
        if instanceSource?.kind != "GitRepository", !request.offline {
            let syncPath = environment.instance?.sync?.normalizedPath ?? ""
            let tree = try? await context.trees.git(request.ref)
            if syncPath.isEmpty
                || tree.map({ FileKind.at($0.appendingPathComponent(syncPath).path) != .directory }) ?? true
            {
                instanceSource = nil
            }
        }
        let thisRepository =
            source == nil && kustomization.sourceRef != nil
            && (environment.entry == nil && environment.instance == nil
                && kustomization.sourceRef == FluxAPI.bootstrapSource
                || kustomization.sourceRef == instanceSource)
        guard source != nil || thisRepository else {
            let everything = await all(mayBe: ["FluxInstance", "ArtifactGenerator"]).map(\.object)
            var (message, cause, reads) = SourceResolver.missingSource(kustomization.sourceRef, in: everything)
            // A copied Flux Kustomization applies paths of this repository that the copied folders do not
            // name: then anything of it may be what the artifact applies.
            if !reads.isEmpty, !reads.contains(""), let tree = try? await context.trees.git(request.ref),
                reads.contains(where: { Self.mayYieldFluxKustomization(under: $0, in: tree) })
            {
                reads = [""]
            }
            discoveryProblems[wave, default: []].append(
                RenderProblem(kustomization: id, path: path, message: message, cause: cause, reads: reads))
            return nil
        }
        let git = source.flatMap { GitRepository($0.object) }
        if let git, let url = git.url, !context.identity.isThisRepository(url) {
            return problem(
                "its source GitRepository \(git.object.effectiveNamespace)/\(git.object.name ?? "") is another repository (\(Inert.line(url))), "
                    + "never read from this one", .unavailable)
        }
        do {
            let tree =
                if let source {
                    try await context.sources.tree(for: source.object, environment: environment, request: request)
                } else {
                    try await context.trees.git(request.ref)
                }
            if let git,
                let elsewhere = SourceResolver.elsewhere(
                    git, path: kustomization.normalizedPath, in: tree, branch: context.repository.settings.branch)
            {
                return problem(elsewhere, .unavailable)
            }
            return BuildJob(
                kustomization: id, tree: tree, path: kustomization.normalizedPath, spec: rendered.node["spec"])
        } catch {
            return problem("source unavailable: \(error)", .unavailable)
        }
    }

    // MARK: Report

    /// What the render found: objects in slot order (deferred slots hold none), each wave's build
    /// problems then the problems of following its Kustomizations, and the warnings.
    func report() -> RenderReport {
        var report = RenderReport(
            environment: environment.name, objects: slots.flatMap(\.objects), problems: [],
            warnings: slots.flatMap(\.warnings))
        report.builds = context.wall.description
        let waves = (slots.map(\.wave).max() ?? -1) + 1
        for wave in 0..<max(waves, (discoveryProblems.keys.max() ?? -1) + 1) {
            report.problems += slots.filter { $0.wave == wave }.compactMap(\.problem)
            report.problems += discoveryProblems[wave] ?? []
        }
        return report
    }
}
