import Artifacts
import Cluster
public import Foundation
public import GitKit
import Manifests
import Platform
import Support

/// What `lockmaster diff` compares.
public struct DiffRequest: Sendable {
    public enum Sides: Sendable, Equatable {
        /// Two git revisions; nil is the work tree. Default: the merge base with main, and the work tree.
        case git(base: String?, head: String?)
        /// What the next environment would change into: `from`'s render against `to`'s.
        case environments(from: String, to: String)
        /// Two artifact versions, rendered for an environment that tracks artifacts.
        case versions(String, String)
    }

    public var repository: URL
    public var sides: Sides
    /// Only this environment (git and versions modes).
    public var environment: String?
    /// Let kustomize fetch remote resources (`RenderRequest.allowRemote`).
    public var allowRemote: Bool
    /// Also plan where the change goes after it merges (git mode only).
    public var lane: Bool
    /// Build without the kernel wall (`RenderRequest.unconfined`).
    public var unconfined: Bool

    public init(
        repository: URL, sides: Sides, environment: String? = nil, allowRemote: Bool = false, lane: Bool = false,
        unconfined: Bool = false
    ) {
        self.repository = repository
        self.sides = sides
        self.environment = environment
        self.allowRemote = allowRemote
        self.lane = lane
        self.unconfined = unconfined
    }
}

/// Renders both sides and compares them: per environment, per Flux Kustomization, per object, and as
/// platform services ranked by risk. Secret values are compared by hash and never shown.
public struct PlatformDiffer: Sendable {
    private let renderer: PlatformRenderer
    private let git: any GitClient
    private let access: RegistryAccess
    private let buildAll: Bool

    /// - Parameters:
    ///   - cacheDirectory: where renders keep builds between runs (nil: this run only).
    ///   - buildAll: build every Kustomization on both sides, not only what the change touches (the
    ///     result is the same; this is the reference the fast path is tested against).
    public init(
        git: any GitClient = ProcessGitClient(), access: RegistryAccess = RegistryAccess(),
        kubectl: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl",
        cacheDirectory: RenderCacheDirectory? = nil, buildAll: Bool = false
    ) {
        renderer = PlatformRenderer(access: access, kubectl: kubectl, cacheDirectory: cacheDirectory, git: git)
        self.git = git
        self.access = access
        self.buildAll = buildAll
    }

    public func run(_ request: DiffRequest) async throws -> DiffReport {
        let root = request.repository
        // One cache and one set of source trees for every render of this diff: a build whose inputs are
        // the same on both sides, or in two environments, runs once, and each tree is read once.
        let cache = BuildCache(directory: renderer.cacheDirectory)
        // Between git revisions, every side is read with the base's settings (a change to lockmaster.yaml
        // cannot move what is compared); otherwise with this checkout's.
        var baseRef: String?
        var trusted: BaseSettings?
        if case .git(let base, _) = request.sides {
            baseRef = base
            if baseRef == nil, try await git.resolve("HEAD", in: root) != nil {
                // The change's own lockmaster.yaml never picks what it is compared with.
                let branch = await BranchOfRecordSettings.trustedBranch(root: root, git: git)
                let tip = try await BranchOfRecordSettings.tip(of: branch, root: root, git: git)
                baseRef = try await tip.asyncFlatMap { try await git.mergeBase("HEAD", $0, in: root) }
            }
            if let baseRef, let commit = try await git.resolve(baseRef, in: root) {
                trusted = try await BaseSettings.read(at: commit, root: root, git: git)
            }
        }
        let trees = try SourceTrees(repository: root, settings: trusted?.settings)
        defer { trees.removeAll() }
        let (repository, _) = try await trees.repository(at: root).resolvingBranch(git: git)
        var report: DiffReport
        switch request.sides {
        case .git(_, let head):
            var names = request.environment.map { [$0] } ?? repository.environments.map(\.name)
            if request.environment == nil, let baseRef {
                // An environment the change removes is compared with nothing: all it applied goes.
                let base = try await trees.repository(at: trees.git(baseRef))
                names += base.environments.map(\.name).filter { !names.contains($0) }
            }
            // A diff that finds no environment on either side compares nothing Flux applies.
            if names.isEmpty { throw RepositoryStateError.noEnvironments(clustersDir: repository.settings.clustersDir) }
            // What the change touches, to tell a Kustomization it cannot read from one it may change.
            var changed = [""]
            if let baseRef, let head {
                changed = try await git.changes(from: baseRef, to: head, in: root).map(\.path)
            } else if let baseRef {
                changed = try await git.changes(since: baseRef, in: root).map(\.path)
            }
            var environments: [EnvironmentDiff] = []
            for name in names {
                func session(at ref: String?) async throws -> RenderSession {
                    try await renderer.session(
                        identified(
                            RenderRequest(
                                repository: root, environment: name, ref: ref, allowRemote: request.allowRemote,
                                unconfined: request.unconfined), by: baseRef),
                        cache: cache, trees: trees, deferLeaves: !buildAll)
                }
                // An environment that did not exist at the base has only additions.
                var old: RenderSession?
                if let baseRef {
                    do {
                        old = try await session(at: baseRef)
                    } catch RepositoryStateError.unknownEnvironment {
                        old = nil
                    }
                }
                let baseRef = baseRef
                func contents(_ side: DangerReview.Side, _ path: String) async -> Data? {
                    switch side {
                    case .base:
                        return try? await baseRef.asyncFlatMap { try await git.contents(of: path, at: $0, in: root) }
                    case .head:
                        guard let head else { return RepositoryFile.contents(path, in: root) }
                        return try? await git.contents(of: path, at: head, in: root)
                    }
                }
                let new: RenderSession
                do {
                    new = try await session(at: head)
                } catch RepositoryStateError.unknownEnvironment where old != nil {
                    // The change leaves no environment here. Deleted, Flux there finds no path (`kustomization
                    // path not found`, FLUX.md §5.4), stops applying this repository and prunes nothing, so
                    // what it applied stays; emptied of what syncs it, Flux applies what is left and prunes
                    // the rest. Either is a failure of the change, not a list of removals.
                    let kept = await DiffSides(base: nil, head: old!).reports().head
                    var stuck = kept
                    stuck.objects.removeAll { $0.kustomization == .entry }
                    let directory = old!.environment.directory
                    let left =
                        (try? await trees.git(head)).map {
                            FileKind.at($0.appendingPathComponent(directory).path) == .directory
                        } ?? false
                    stuck.problems.append(
                        RenderProblem(
                            kustomization: .entry, path: "./" + directory,
                            message: left
                                ? "the change leaves \(directory) without what syncs it: Flux there applies what is left of it and prunes everything else it applied, its own sync included; remove an environment by tearing it down first"
                                : "the change deletes \(directory): Flux there fails with 'kustomization path not found' and stops applying this repository (nothing is pruned); remove an environment by tearing it down first",
                            reads: [""]))
                    environments.append(
                        await placed(compare(name: name, old: kept, new: stuck, changed: changed), root: root) {
                            await contents($0, $1)
                        })
                    continue
                }
                var sides = await DiffSides(base: old, head: new).reports()
                // What a GitRepository's spec.ignore, include or sparseCheckout leaves out, render does not
                // apply (it does apply .sourceignore files): a change to one is not compared.
                for source in Self.narrowedSources(base: sides.base, head: sides.head) {
                    sides.head.problems.append(
                        RenderProblem(
                            kustomization: source.kustomization, path: source.path,
                            message:
                                "the change sets \(source.field) of \(source.name), which decides which files Flux reads from it; render does not apply it, so what Flux applies is not compared",
                            reads: [""]))
                }
                environments.append(
                    await placed(compare(name: name, old: sides.base, new: sides.head, changed: changed), root: root) {
                        await contents($0, $1)
                    })
            }
            report = DiffReport(
                comparing: "git \(baseRef.map { String($0.prefix(12)) } ?? "nothing")..\(head ?? "work tree")",
                environments: environments)
            if request.lane {
                // The whole lane, whatever environment the diff is limited to: it is where the change goes.
                report.lane = await LanePlanner(access: access).plan(repository, changed: changed)
            }
        case .environments(let from, let to):
            // What `to` runs now, and what it would run with `from`'s content.
            async let current = renderer.run(
                RenderRequest(
                    repository: root, environment: to, allowRemote: request.allowRemote, unconfined: request.unconfined),
                cache: cache, trees: trees)
            async let incoming = renderer.run(
                RenderRequest(
                    repository: root, environment: from, allowRemote: request.allowRemote,
                    unconfined: request.unconfined), cache: cache, trees: trees)
            let compared = compare(name: to, old: try await current, new: try await incoming)
            report = DiffReport(
                comparing: "environments \(to) → \(from)",
                environments: [
                    await placed(compared, root: root) { _, path in RepositoryFile.contents(path, in: root) }
                ])
        case .versions(let a, let b):
            guard
                let name = request.environment
                    ?? repository.environments.first(where: {
                        if case .oci? = $0.source { return true } else { return false }
                    })?.name
            else { throw ResolveError.noRepository }
            let old = try await renderer.run(
                RenderRequest(
                    repository: root, environment: name, version: a, allowRemote: request.allowRemote,
                    unconfined: request.unconfined), cache: cache, trees: trees)
            let new = try await renderer.run(
                RenderRequest(
                    repository: root, environment: name, version: b, allowRemote: request.allowRemote,
                    unconfined: request.unconfined), cache: cache, trees: trees)
            // Both sides come from artifacts: no file of this repository holds the change.
            report = DiffReport(
                comparing: "versions \(a) → \(b)",
                environments: [await placed(compare(name: name, old: old, new: new), root: root) { _, _ in nil }])
        }
        await cache.finish()
        report.builds = try renderer.wall(unconfined: request.unconfined).description
        report.settings = trusted.map {
            "\(LockmasterSettings.fileName) at the base (\(baseRef.map { $0.count == 40 ? String($0.prefix(12)) : $0 } ?? String($0.revision.prefix(12))))\($0.text == nil ? ", which has none: the defaults" : "")"
        }
        return report
    }

    /// The request with the base as the revision that says which URLs are this repository.
    private func identified(_ request: RenderRequest, by base: String?) -> RenderRequest {
        var copy = request
        copy.identityRef = base
        return copy
    }

    /// An environment's diff with its danger findings placed in their files and the silenced ones set apart.
    /// GitRepositories whose spec.ignore, include or sparseCheckout differ between the sides.
    static func narrowedSources(base: RenderReport?, head: RenderReport) -> [(
        kustomization: KustomizationID, path: String, name: String, field: String
    )] {
        guard let base else { return [] }
        let fields = ["ignore", "include", "sparseCheckout"]
        func key(_ object: RenderedObject) -> String? {
            object.kind == "GitRepository" && object.group == "source.toolkit.fluxcd.io" ? object.key : nil
        }
        var before: [String: RenderedObject] = [:]
        for object in base.objects { if let key = key(object), before[key] == nil { before[key] = object } }
        var found: [(KustomizationID, String, String, String)] = []
        for object in head.objects {
            guard let key = key(object) else { continue }
            let old = before[key]
            for field in fields {
                let new = object.node.node(at: ["spec", field])?.jsonText()
                let was = old?.node.node(at: ["spec", field])?.jsonText()
                if new != was {
                    found.append((object.kustomization, object.source ?? "", key, "spec.\(field)"))
                    break
                }
            }
        }
        return found
    }

    private func placed(
        _ compared: (diff: EnvironmentDiff, dangers: [(finding: DangerFinding, site: DangerReview.Site?)]), root: URL,
        read: (DangerReview.Side, String) async -> Data?
    ) async -> EnvironmentDiff {
        var diff = compared.diff
        (diff.dangers, diff.silencedDangers) = await DangerReview.place(compared.dangers, root: root, read: read)
        return diff
    }

    /// The objects of two sides paired: by Kustomization and identity, in order (the n-th copy with the
    /// n-th), then the rest by identity alone; what is left is added (head) or removed (base).
    static func pair(_ before: [RenderedObject], _ after: [RenderedObject]) -> (
        pairs: [(old: RenderedObject, new: RenderedObject)], added: [RenderedObject], removed: [RenderedObject]
    ) {
        var pairs: [(old: RenderedObject, new: RenderedObject)] = []
        var unpaired = Array(before.indices)
        var leftover: [RenderedObject] = []
        var byOwner: [String: [Int]] = [:]
        for index in before.indices {
            byOwner["\(before[index].kustomization)\u{0}\(before[index].reference.qualified)", default: []].append(
                index)
        }
        var taken = Set<Int>()
        for object in after {
            let key = "\(object.kustomization)\u{0}\(object.reference.qualified)"
            if let index = byOwner[key]?.first {
                byOwner[key]!.removeFirst()
                taken.insert(index)
                pairs.append((before[index], object))
            } else {
                leftover.append(object)
            }
        }
        unpaired.removeAll { taken.contains($0) }
        var byIdentity: [ObjectReference: [Int]] = [:]
        for index in unpaired { byIdentity[before[index].reference, default: []].append(index) }
        var added: [RenderedObject] = []
        for object in leftover {
            if let index = byIdentity[object.reference]?.first {
                byIdentity[object.reference]!.removeFirst()
                taken.insert(index)
                pairs.append((before[index], object))
            } else {
                added.append(object)
            }
        }
        let removed = before.indices.filter { !taken.contains($0) }.map { before[$0] }
        return (pairs, added, removed)
    }

    /// - Parameter changed: the repository paths the change touches (`""`: all of them).
    func compare(name: String, old: RenderReport?, new: RenderReport, changed: [String] = []) -> (
        diff: EnvironmentDiff, dangers: [(finding: DangerFinding, site: DangerReview.Site?)]
    ) {
        let before = old?.objects ?? []
        let after = new.objects
        var byKustomization: [KustomizationID: [ObjectDiff]] = [:]
        // Objects are matched by the Kustomization that applies them and their API group, kind, namespace
        // and name (copies for different clusters pair with their own), then what is left by identity alone
        // (an object moved to another Kustomization); they are shown by kind, namespace and name, with the
        // group where two groups share a key.
        let (pairs, added, removed) = Self.pair(before, after)
        var groups: [String: Set<String>] = [:]
        for item in before + after { groups[item.key, default: []].insert(item.group) }
        func shown(_ item: RenderedObject) -> String {
            (groups[item.key]?.count ?? 0) > 1 ? item.reference.qualified : item.key
        }
        // A side that could not build a Kustomization says nothing about its objects.
        let unbuiltHead = Set(new.problems.map(\.kustomization))
        let unbuiltBase = Set((old?.problems ?? []).map(\.kustomization))
        // What the review reads: the same added, removed and changed objects, collected on the way.
        var changes: [ObjectChange] = []
        for object in added where !unbuiltBase.contains(object.kustomization) {
            byKustomization[object.kustomization, default: []].append(
                ObjectDiff(
                    object: shown(object), change: .added, diff: [],
                    secretKeys: SecretMask.keyChanges(old: nil, new: object.node)))
            changes.append(ObjectChange(kustomization: object.kustomization, old: nil, new: object))
        }
        for object in removed where !unbuiltHead.contains(object.kustomization) {
            byKustomization[object.kustomization, default: []].append(
                ObjectDiff(
                    object: shown(object), change: .removed, diff: [],
                    secretKeys: SecretMask.keyChanges(old: object.node, new: nil)))
            changes.append(ObjectChange(kustomization: object.kustomization, old: object, new: nil))
        }
        for (previous, object) in pairs where !previous.node.sameContent(as: object.node) {
            changes.append(ObjectChange(kustomization: object.kustomization, old: previous, new: object))
            let diff = LineDiff.unified(
                SecretMask.withoutValues(previous.node).yamlText(), SecretMask.withoutValues(object.node).yamlText())
            let keys = SecretMask.keyChanges(old: previous.node, new: object.node)
            guard !diff.isEmpty || keys?.values.contains(where: { $0 != "unchanged" }) == true else { continue }
            byKustomization[object.kustomization, default: []].append(
                ObjectDiff(object: shown(object), change: .changed, diff: diff, secretKeys: keys))
        }
        let kustomizations = byKustomization.keys.sorted().map {
            KustomizationDiff(name: $0, objects: byKustomization[$0]!.sorted { $0.object < $1.object })
        }

        // Services: HelmReleases (chart version: upgraded; anything else: reconfigured), and Kustomizations
        // whose applied objects changed.
        func objects(_ rendered: [RenderedObject]) -> [KubernetesObject] {
            rendered.map {
                KubernetesObject(
                    apiVersion: $0.apiVersion, kind: $0.kind, name: $0.name, namespace: $0.namespace,
                    location: .init(path: $0.source ?? ""), documentIndex: 0, root: $0.node)
            }
        }
        // Services of a Kustomization one side could not build are not compared either.
        let comparableBefore = before.filter { !unbuiltHead.contains($0.kustomization) }
        let comparableAfter = after.filter { !unbuiltBase.contains($0.kustomization) }
        // Per cluster: what a Kustomization applies through spec.kubeConfig is another cluster's, and the
        // same release there is another service (named with its cluster).
        var remote: [KustomizationID: String] = [:]
        for kustomization in objects(before + after).compactMap(FluxKustomization.init) {
            if let cluster = kustomization.remoteCluster { remote[KustomizationID(kustomization.object)] = cluster }
        }
        var services: [ServiceChange] = []
        for cluster in Set((comparableBefore + comparableAfter).map { remote[$0.kustomization] }) {
            let found = VersionStep.classify(
                ServiceDiff.compare(
                    old: objects(comparableBefore.filter { remote[$0.kustomization] == cluster }),
                    new: objects(comparableAfter.filter { remote[$0.kustomization] == cluster })))
            services += found.map { change in
                var change = change
                if let cluster { change.name += " (cluster of kubeConfig \(cluster))" }
                return change
            }
        }
        let named = Set(services.map { "\($0.kind)/\($0.name)" })
        // A chart source that a HelmRelease's chartRef follows changes with its release's upgrade.
        let chartSources = Set(
            ServiceDiff.chartSources(objects(comparableBefore) + objects(comparableAfter)).map {
                "\($0.kind)/\($0.namespace)/\($0.name)"
            })
        // A Kustomization is a service of its own when its manifests changed: objects other than the Helm
        // ones (whose services are above) changed in place, or added or removed where no Helm service
        // came with them (a change that only removes a ConfigMap; not an app's Namespace beside its
        // release).
        func helm(_ object: String) -> Bool {
            object.hasPrefix("HelmRelease/") || object.hasPrefix("HelmRepository/") || chartSources.contains(object)
        }
        for diff in kustomizations
        where diff.name != .entry && !named.contains("Kustomization/\(diff.name)")
            && diff.objects.contains(where: {
                !helm($0.object) && ($0.change == .changed || !diff.objects.contains { helm($0.object) })
            })
        {
            services.append(ServiceChange(change: .reconfigured, kind: "Kustomization", name: diff.name.description))
        }
        // Values that reach a release through valuesFrom: a ConfigMap generated with a hashed name shows
        // only as a renamed reference, so the merged values are compared, and the release is
        // reconfigured even when its own spec is the same.
        let (beforeObjects, afterObjects) = (objects(comparableBefore), objects(comparableAfter))
        var previousReleases: [ObjectReference: HelmRelease] = [:]
        for release in beforeObjects.compactMap(HelmRelease.init) {
            previousReleases[release.object.reference] = release
        }
        var values: [ValuesChange] = []
        for release in afterObjects.compactMap(HelmRelease.init) {
            guard let previous = previousReleases[release.object.reference],
                let new = HelmValues.of(release, among: afterObjects, inline: false),
                let old = HelmValues.of(previous, among: beforeObjects, inline: false),
                new.text != old.text || new.secretsDiffer(from: old)
            else { continue }
            let merged = (
                HelmValues.of(previous, among: beforeObjects)?.text ?? "",
                HelmValues.of(release, among: afterObjects)?.text ?? ""
            )
            let name = "\(release.object.effectiveNamespace)/\(release.object.name ?? "")"
            values.append(
                ValuesChange(
                    release: name, sources: new.sources, diff: LineDiff.unified(merged.0, merged.1),
                    secretsChanged: new.secretsDiffer(from: old)))
            if !services.contains(where: { $0.kind == "HelmRelease" && $0.name == name }) {
                services.append(ServiceChange(change: .reconfigured, kind: "HelmRelease", name: name))
            }
        }
        services.sort(by: ServiceChange.inRiskOrder)
        // A Kustomization whose content lives elsewhere (another repository, a registry, a source made in
        // the cluster, a remote resource) and cannot be read the same way on both sides is one the change
        // does not touch, unless the change touches a file of this repository its content comes from (a
        // generator's copy, the local files of a remote build): said, not a failure of the diff
        // (`--strict` makes it one). One that this repository's files fail to build may hold what the
        // change touches: it fails the diff, unless nothing changed at all.
        let baseProblems = old?.problems ?? []
        let untouched =
            old == nil
            ? []
            : new.problems.filter {
                ($0.cause != .undeclared) && baseProblems.contains($0) && !$0.reads(any: changed)
                    && ($0.cause != .build || changed.isEmpty)
            }
        var environment = EnvironmentDiff(
            name: name, kustomizations: kustomizations, services: services,
            // A problem both sides have is one problem (`unbuilt` says which sides).
            problems: (baseProblems + new.problems.filter { !baseProblems.contains($0) }).filter {
                !untouched.contains($0)
            })
        environment.untouched = untouched
        environment.values = values.sorted { $0.release < $1.release }
        environment.unbuilt =
            baseProblems.filter { !untouched.contains($0) }.map {
                UnbuiltKustomization(kustomization: $0.kustomization, side: .base, message: $0.message)
            }
            + new.problems.filter { !untouched.contains($0) }.map {
                UnbuiltKustomization(kustomization: $0.kustomization, side: .head, message: $0.message)
            }
        return (environment, DangerReview.findings(environment: name, changes: changes))
    }
}
