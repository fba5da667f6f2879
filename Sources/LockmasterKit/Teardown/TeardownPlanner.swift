import Manifests

/// Computes the order in which a sandbox is taken down (DESIGN.md §4.5, FLUX.md §7). No I/O: it is
/// fed with the objects and returns the plan.
///
/// Rules: suspend only the root `flux-system` Kustomization; resume anything suspended that will be
/// deleted; delete in waves where an object goes before everything it depends on, before the
/// Kustomization that applies it, and before the objects providing the CRDs of the custom resources it
/// owns; objects owning external state first within a wave; sources after all Kustomizations and
/// HelmReleases; what installs Flux (and the Kustomizations applying it) after the sources, since its
/// controllers serve every finalizer; never `flux-system` itself; then verify, destroy, and remove the directory.
public enum TeardownPlanner {
    public static func plan(sandbox: String, objects: [TeardownObject], hooks: [String]) -> TeardownPlan {
        var warnings: [String] = []
        let doomed = objects.filter { !$0.isRoot && !$0.isSource }
        let sources = objects.filter { $0.isSource && !($0.namespace == "flux-system" && $0.name == "flux-system") }
        let byID = Dictionary(doomed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        // before[x] = the objects that must be gone before x is deleted.
        var mustPrecede: [ObjectReference: Set<ObjectReference>] = [:]
        func edge(_ first: ObjectReference, before second: ObjectReference) {
            guard first != second, byID[first] != nil, byID[second] != nil else { return }
            mustPrecede[second, default: []].insert(first)
        }
        for object in doomed {
            // dependsOn is install-time only for Flux; on deletion the dependent must go first.
            for dependency in object.dependsOn { edge(object.id, before: dependency) }
            // The objects a Kustomization applies go before it, so its pruning finds nothing left.
            if let parent = object.appliedBy { edge(object.id, before: parent) }
            // Custom resources before the CRDs and controllers that finalize them.
            for provider in doomed where provider.id != object.id && !provider.providesCRDGroups.isEmpty {
                let consumes =
                    provider.providesCRDGroups.contains("*")
                    ? !object.ownsCustomResourceGroups.isEmpty
                    : !Set(provider.providesCRDGroups).isDisjoint(with: object.ownsCustomResourceGroups)
                if consumes { edge(object.id, before: provider.id) }
            }
        }

        // What installs Flux, and the Kustomizations that apply it (deleting one prunes it), goes last:
        // Flux's controllers serve the finalizers of everything deleted before.
        var last = Set(doomed.filter(\.installsFlux).map(\.id))
        var grew = true
        while grew {
            grew = false
            for object in doomed where last.contains(object.id) {
                if let parent = object.appliedBy, byID[parent] != nil, last.insert(parent).inserted { grew = true }
            }
        }
        let waves = Self.waves(
            of: Set(doomed.map(\.id)).subtracting(last), byID: byID, mustPrecede: mustPrecede, warnings: &warnings)
        let finalWaves = Self.waves(of: last, byID: byID, mustPrecede: mustPrecede, warnings: &warnings)

        for object in doomed {
            if object.kind == "Kustomization", object.prune == false,
                object.deletionPolicy == nil || object.deletionPolicy == "MirrorPrune"
            {
                warnings.append(
                    "\(object.id) has prune: false: deleting it leaves everything it applied in the cluster (orphans); set prune: true first"
                )
            }
            if object.deletionPolicy == "Orphan" {
                warnings.append(
                    "\(object.id) has deletionPolicy: Orphan: its objects stay in the cluster after it is deleted")
            }
            if object.clusterOnly {
                warnings.append("\(object.id) is in the cluster but not in git; it is deleted too")
            }
        }

        var steps: [TeardownStep] = []
        func add(_ action: TeardownStep.Action, _ object: ObjectReference?, wave: Int? = nil, _ reason: String) {
            steps.append(
                TeardownStep(number: steps.count + 1, action: action, object: object, wave: wave, reason: reason))
        }
        add(
            .suspend, .root,
            "stop the root sync re-creating what is deleted; it is the only object suspended")
        for object in doomed where object.suspended {
            add(
                .resume, object.id,
                "a suspended \(object.kind) deleted would orphan its objects instead of pruning them")
        }
        for (index, wave) in waves.enumerated() {
            for object in wave {
                add(.delete, object.id, wave: index + 1, reason(for: object, mustPrecede: mustPrecede[object.id] ?? []))
            }
        }
        for source in sources {
            add(
                .delete, source.id, wave: waves.count + 1,
                "sources last: Kustomizations and HelmReleases no longer need them")
        }
        for (index, wave) in finalWaves.enumerated() {
            for object in wave {
                add(
                    .delete, object.id, wave: waves.count + 2 + index,
                    "installs Flux: after everything else, whose finalizers its controllers serve; "
                        + reason(for: object, mustPrecede: mustPrecede[object.id] ?? []))
            }
        }
        add(
            .verify, nil,
            "only the flux-system Kustomization left, no HelmRelease, no namespace of the platform left terminating")
        add(
            .destroy, nil,
            hooks.isEmpty
                ? "no sandbox.destroy hooks configured: destroy the cluster with your infrastructure-as-code"
                : "run \(hooks.count) sandbox.destroy hook\(hooks.count == 1 ? "" : "s")")
        add(
            .removeDirectory, nil,
            "remove the sandbox directory in a commit on its branch; delete the branch when merged")
        return TeardownPlan(sandbox: sandbox, steps: steps, warnings: warnings)
    }

    /// Kahn's algorithm over `nodes`, a wave at a time; a cycle is reported and broken in name order.
    private static func waves(
        of nodes: Set<ObjectReference>, byID: [ObjectReference: TeardownObject],
        mustPrecede: [ObjectReference: Set<ObjectReference>], warnings: inout [String]
    ) -> [[TeardownObject]] {
        var remaining = nodes
        var waves: [[TeardownObject]] = []
        while !remaining.isEmpty {
            var ready = remaining.filter { (mustPrecede[$0] ?? []).isDisjoint(with: remaining) }
            if ready.isEmpty {
                let cycle = cycleMembers(in: remaining, edges: mustPrecede)
                warnings.append(
                    "ordering cycle among \(cycle.sorted().map(\.description).joined(separator: ", ")) (dependsOn, owner or CRD relations): "
                        + "they are deleted in name order; check that none waits on another")
                ready = [cycle.min()!]
            }
            let wave = ready.compactMap { byID[$0] }.sorted { a, b in
                a.externalState != b.externalState
                    ? a.externalState : (a.kind, a.namespace, a.name) < (b.kind, b.namespace, b.name)
            }
            waves.append(wave)
            remaining.subtract(ready)
        }
        return waves
    }

    private static func reason(for object: TeardownObject, mustPrecede: Set<ObjectReference>) -> String {
        var parts: [String] = []
        if object.externalState { parts.append("owns external state: as early as its dependencies allow") }
        if !object.providesCRDGroups.isEmpty { parts.append("provides CRDs: after their custom resources") }
        parts.append(
            mustPrecede.isEmpty
                ? "nothing has to go first" : "after \(mustPrecede.sorted().map(\.description).joined(separator: ", "))"
        )
        return parts.joined(separator: "; ")
    }

    /// Nodes on a cycle among `nodes` (those that cannot be reached by peeling ready nodes).
    private static func cycleMembers(in nodes: Set<ObjectReference>, edges: [ObjectReference: Set<ObjectReference>])
        -> Set<ObjectReference>
    {
        var left = nodes
        var changed = true
        // Drop nodes nobody in the set waits for, repeatedly; what stays is cycles and what they block.
        while changed {
            changed = false
            for node in left where !left.contains(where: { (edges[$0] ?? []).contains(node) }) {
                left.remove(node)
                changed = true
            }
        }
        return left.isEmpty ? nodes : left
    }
}
