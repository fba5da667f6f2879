import Crypto
import Foundation
import Manifests

/// Both sides of a git diff of one environment, rendered so that what the change does not touch is
/// not built: a Kustomization whose build reads the same bytes and whose `substituteFrom` sources hold
/// the same data on both sides renders the same objects on both, so neither side needs them. Only
/// Kustomizations that hold others are built regardless (their children must be found), and what a
/// comparison reads across Kustomizations is built on demand: the first object of a duplicated
/// identity, the chart source of a HelmRelease, the HelmRelease of a chart source or of a values source.
///
/// The result equals a diff of two full renders (`buildAll` makes one, and tests compare them).
struct DiffSides {
    let base: RenderSession?
    let head: RenderSession
    /// Kustomizations with the same objects on both sides (built or not).
    private(set) var same: Set<KustomizationID> = []

    init(base: RenderSession?, head: RenderSession) async {
        self.base = base
        self.head = head
        guard let base else {
            // Nothing at the base: everything the head applies is new.
            for slot in head.slots { await head.force(slot.job.kustomization) }
            return
        }
        for slot in head.slots {
            let kustomization = slot.job.kustomization
            if base.slot(kustomization) != nil, let a = await Self.outputKey(kustomization, in: base),
                let b = await Self.outputKey(kustomization, in: head), a == b
            {
                same.insert(kustomization)
            } else {
                await base.force(kustomization)
                await head.force(kustomization)
            }
        }
        for slot in base.slots where head.slot(slot.job.kustomization) == nil {
            await base.force(slot.job.kustomization)
        }
        await settleComparisons()
    }

    /// The two reports, without the build failures of Kustomizations that are the same on both sides (the
    /// change does not touch them; `check` reports them). A failed build that may apply Flux Kustomizations
    /// stays: the Kustomizations it hides may hold what the change touches (an entry with a broken folder).
    func reports() -> (base: RenderReport?, head: RenderReport) {
        func filtered(_ report: RenderReport) -> RenderReport {
            var report = report
            report.problems.removeAll {
                same.contains($0.kustomization) && $0.cause == .build && !$0.reads.contains("")
            }
            return report
        }
        return (base.map { filtered($0.report()) }, filtered(head.report()))
    }

    /// What decides a Kustomization's objects: its build key and the data of the `substituteFrom`
    /// objects it finds. Nil when it cannot be known unbuilt (not reusable, or it may find its own
    /// object).
    private static func outputKey(_ kustomization: KustomizationID, in session: RenderSession) async -> String? {
        guard let position = session.slots.firstIndex(where: { $0.job.kustomization == kustomization }) else {
            return nil
        }
        let slot = session.slots[position]
        guard let fingerprint = slot.fingerprint else { return nil }
        var hasher = SHA256()
        hasher.update(data: Data(fingerprint.key.utf8))
        if let spec = slot.job.spec, let references = spec["postBuild"]?["substituteFrom"]?.items, !references.isEmpty {
            if case .deferred = slot.state {
                let own = references.contains { reference in
                    fingerprint.content.mayContain(
                        kind: reference.string(at: ["kind"]) ?? "ConfigMap", name: reference.string(at: ["name"]) ?? "")
                }
                if own { return nil }
            }
            for source in await session.substitutionSources(
                spec, before: position, own: session.slots[position].objects)
            {
                hasher.update(data: Data("\0\(source.kind)/\(source.name)\0".utf8))
                hasher.update(data: Data((source.found.map { ($0.node["data"]?.jsonText() ?? "{}") } ?? "-").utf8))
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Builds, on both sides, the unbuilt Kustomizations whose objects a comparison could read, until
    /// there are none. Only objects that differ between the sides matter (when the Kustomizations keep
    /// their order; otherwise every object of a changed Kustomization): another object of the same
    /// identity (the first of a duplicate is what a comparison takes), a changed HelmRelease's chart
    /// source, and the HelmRelease of a changed chart source. An unchanged object reads the same on
    /// both sides wherever its neighbours are.
    private func settleComparisons() async {
        guard let base else { return }
        let common = Set(base.slots.map(\.job.kustomization)).intersection(head.slots.map(\.job.kustomization))
        let sameOrder =
            base.slots.map(\.job.kustomization).filter(common.contains)
            == head.slots.map(\.job.kustomization).filter(common.contains)
        while true {
            var wanted: Set<KustomizationID> = []
            for (session, other) in [(base, head), (head, base)] {
                let deferred = session.slots.filter { if case .deferred = $0.state { true } else { false } }
                guard !deferred.isEmpty else { continue }
                func want(kind: String, name: String?, namespace: String?, mentioning: String? = nil) {
                    for slot in deferred {
                        guard let content = slot.fingerprint?.content else {
                            wanted.insert(slot.job.kustomization)
                            continue
                        }
                        if content.mayContain(kind: kind, name: name, namespace: namespace),
                            mentioning.map(content.mayMention) ?? true
                        {
                            wanted.insert(slot.job.kustomization)
                        }
                    }
                }
                for slot in session.slots where !same.contains(slot.job.kustomization) {
                    let counterpart = other.slot(slot.job.kustomization)?.objects ?? []
                    for rendered in slot.objects {
                        if sameOrder,
                            counterpart.contains(where: {
                                $0.reference == rendered.reference && $0.node.sameContent(as: rendered.node)
                            })
                        {
                            continue
                        }
                        want(kind: rendered.kind, name: rendered.name, namespace: rendered.namespace)
                        if ["OCIRepository", "HelmChart", "ExternalArtifact"].contains(rendered.kind) {
                            // A chartRef names its source by name, from the release's namespace or any
                            // other it writes: the release can be anywhere, but its text holds the name,
                            // and the source's namespace (as the release's own, or as the chartRef's;
                            // where a targetNamespace puts the release, it is the chartRef's).
                            want(
                                kind: "HelmRelease", name: rendered.name, namespace: nil,
                                mentioning: rendered.namespace)
                        }
                        // A release takes values from a ConfigMap or Secret of its namespace by name
                        // (valuesFrom), and the diff shows them merged.
                        if ["ConfigMap", "Secret"].contains(rendered.kind) {
                            want(kind: "HelmRelease", name: rendered.name, namespace: rendered.namespace)
                        }
                        // A changed release shows its chart version, read from its source wherever that is,
                        // and the values it reads through valuesFrom, from its namespace.
                        if let release = HelmRelease(rendered.object) {
                            if let reference = release.chartRef {
                                want(kind: reference.kind, name: reference.name, namespace: reference.namespace)
                            }
                            for reference in release.object.root.node(at: ["spec", "valuesFrom"])?.items ?? [] {
                                want(
                                    kind: reference.string(at: ["kind"]) ?? "ConfigMap",
                                    name: reference.string(at: ["name"]),
                                    namespace: release.object.effectiveNamespace)
                            }
                        }
                    }
                }
            }
            guard !wanted.isEmpty else { return }
            for kustomization in wanted.sorted() {
                await base.force(kustomization)
                await head.force(kustomization)
            }
        }
    }
}
