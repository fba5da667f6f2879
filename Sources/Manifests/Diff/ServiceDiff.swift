/// One change to the platform between two versions, in the platform guide's terms.
public struct ServiceChange: Sendable, Codable, Equatable {
    /// Ordered by risk as the platform guide ranks them: adding < removing < upgrading.
    public enum Kind: String, Sendable, Codable, Comparable {
        case added, removed, upgraded, reconfigured

        var rank: Int { [.added: 0, .removed: 1, .upgraded: 2, .reconfigured: 3][self] ?? 4 }
        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rank < rhs.rank }
    }

    public var change: Kind
    /// `HelmRelease`, `HelmRepository` or `Kustomization`.
    public var kind: String
    /// `namespace/name`.
    public var name: String
    /// The chart version (HelmRelease) or URL/path before and after, where that is what changed.
    public var from: String?
    public var to: String?
    /// For an upgrade: `major`, `minor` or `patch`, when both versions are semver.
    public var step: String?

    public init(change: Kind, kind: String, name: String, from: String? = nil, to: String? = nil, step: String? = nil) {
        self.change = change
        self.kind = kind
        self.name = name
        self.from = from
        self.to = to
        self.step = step
    }
}

/// Compares the platform objects of two versions: services added, removed, upgraded (chart version)
/// and reconfigured (any other change to their spec), highest risk last.
public enum ServiceDiff {
    public static func compare(old: [KubernetesObject], new: [KubernetesObject]) -> [ServiceChange] {
        var changes: [ServiceChange] = []
        func keyed<View>(_ objects: [KubernetesObject], _ view: (KubernetesObject) -> View?) -> [ObjectReference: (KubernetesObject, View)] {
            var result: [ObjectReference: (KubernetesObject, View)] = [:]
            for object in objects { if let typed = view(object) { result[object.reference] = (object, typed) } }
            return result
        }
        func diff<View>(_ kind: String, _ view: (KubernetesObject) -> View?, detail: (View) -> String?, upgrade: Bool) {
            let before = keyed(old, view), after = keyed(new, view)
            for (reference, (_, added)) in after where before[reference] == nil {
                changes.append(ServiceChange(change: .added, kind: kind, name: "\(reference.namespace)/\(reference.name)", to: detail(added)))
            }
            for (reference, (_, removed)) in before where after[reference] == nil {
                changes.append(ServiceChange(change: .removed, kind: kind, name: "\(reference.namespace)/\(reference.name)", from: detail(removed)))
            }
            for (reference, (oldObject, oldView)) in before {
                guard let (newObject, newView) = after[reference] else { continue }
                let from = detail(oldView), to = detail(newView)
                let name = "\(reference.namespace)/\(reference.name)"
                if upgrade, from != to {
                    changes.append(ServiceChange(change: .upgraded, kind: kind, name: name, from: from, to: to))
                } else if let oldSpec = oldObject.root["spec"], let newSpec = newObject.root["spec"], !oldSpec.sameContent(as: newSpec) {
                    changes.append(ServiceChange(change: .reconfigured, kind: kind, name: name, from: from, to: to))
                }
            }
        }
        diff("HelmRelease", HelmRelease.init, detail: { $0.chart?.version }, upgrade: true)
        diff("HelmRepository", HelmRepository.init, detail: { $0.url }, upgrade: false)
        diff("Kustomization", FluxKustomization.init, detail: { $0.path }, upgrade: false)
        return changes.sorted { $0.change != $1.change ? $0.change < $1.change : ($0.kind, $0.name) < ($1.kind, $1.name) }
    }

    /// `+ HelmRelease keda/keda 2.14.0`, `^ HelmRelease keda/keda 2.14.0 → 2.14.1`, …
    public static func describe(_ change: ServiceChange) -> String {
        switch change.change {
        case .added: return "+ added       \(change.kind) \(change.name)" + (change.to.map { " \($0)" } ?? "")
        case .removed: return "- removed     \(change.kind) \(change.name)" + (change.from.map { " \($0)" } ?? "")
        case .upgraded: return "^ upgraded    \(change.kind) \(change.name) \(change.from ?? "none") → \(change.to ?? "none")" + (change.step.map { " (\($0))" } ?? "")
        case .reconfigured: return "~ reconfigured \(change.kind) \(change.name)"
        }
    }
}
