/// How far a version change goes: down, or up by which part.
public enum VersionStep: String, Sendable, Codable {
    case downgrade, major, minor, patch
}

/// One change to the platform between two versions, in the platform guide's terms.
public struct ServiceChange: Sendable, Codable, Equatable {
    /// Ordered by risk as the platform guide ranks them: adding < removing < upgrading.
    public enum Kind: String, Sendable, Codable, Comparable {
        case added, removed, upgraded, downgraded, reconfigured

        var rank: Int { [.added: 0, .removed: 1, .upgraded: 2, .downgraded: 3, .reconfigured: 4][self] ?? 5 }
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
    /// For an upgrade, when both versions are semver: how far it goes.
    public var step: VersionStep?

    /// Lowest risk first, then by kind and name (then versions, for copies of one name): the order every
    /// list of service changes is shown in, the same on every run.
    public static func inRiskOrder(_ a: ServiceChange, _ b: ServiceChange) -> Bool {
        a.change != b.change
            ? a.change < b.change
            : (a.kind, a.name, a.from ?? "", a.to ?? "") < (b.kind, b.name, b.from ?? "", b.to ?? "")
    }

    public init(
        change: Kind, kind: String, name: String, from: String? = nil, to: String? = nil, step: VersionStep? = nil
    ) {
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
    /// A release's chart version: `spec.chart.spec.version`, or, through `spec.chartRef`, what its
    /// OCIRepository follows (digest, semver range or tag, in Flux's precedence) or its HelmChart's version.
    public static func chartVersion(_ release: HelmRelease, among objects: [KubernetesObject]) -> String? {
        if let version = release.chart?.version { return version }
        guard let reference = release.chartRef, let source = objects.first(where: { $0.reference == reference }) else {
            return nil
        }
        if let oci = OCIRepository(source) { return oci.ref?.digest ?? oci.ref?.semver ?? oci.ref?.tag ?? "latest" }
        if FluxAPI.matches(source, group: FluxAPI.sourceGroup, kind: "HelmChart") {
            return source.root.string(at: ["spec", "version"]) ?? "*"
        }
        return nil
    }

    /// The chart sources (`OCIRepository`, `HelmChart`) HelmReleases point at through `spec.chartRef`.
    public static func chartSources(_ objects: [KubernetesObject]) -> Set<ObjectReference> {
        Set(objects.compactMap(HelmRelease.init).compactMap(\.chartRef))
    }

    public static func compare(old: [KubernetesObject], new: [KubernetesObject]) -> [ServiceChange] {
        var changes: [ServiceChange] = []
        // Copies of one identity (two Kustomizations applying it, which check reports) are paired in
        // order: the first with the first, so a change to either copy is seen.
        struct Key: Hashable {
            var reference: ObjectReference
            var copy: Int
        }
        func keyed<View>(_ objects: [KubernetesObject], _ view: (KubernetesObject) -> View?) -> [Key: (
            KubernetesObject, View
        )] {
            var result: [Key: (KubernetesObject, View)] = [:]
            var copies: [ObjectReference: Int] = [:]
            for object in objects {
                guard let typed = view(object) else { continue }
                let copy = copies[object.reference, default: 0]
                copies[object.reference] = copy + 1
                result[Key(reference: object.reference, copy: copy)] = (object, typed)
            }
            return result
        }
        func diff<View>(
            _ kind: String, _ view: (KubernetesObject) -> View?, detail: (View, [KubernetesObject]) -> String?,
            upgrade: Bool
        ) {
            let before = keyed(old, view)
            let after = keyed(new, view)
            for (key, (_, added)) in after where before[key] == nil {
                let reference = key.reference
                changes.append(
                    ServiceChange(
                        change: .added, kind: kind, name: "\(reference.namespace)/\(reference.name)",
                        to: detail(added, new)))
            }
            for (key, (_, removed)) in before where after[key] == nil {
                let reference = key.reference
                changes.append(
                    ServiceChange(
                        change: .removed, kind: kind, name: "\(reference.namespace)/\(reference.name)",
                        from: detail(removed, old)))
            }
            for (key, (oldObject, oldView)) in before {
                guard let (newObject, newView) = after[key] else { continue }
                let reference = key.reference
                let from = detail(oldView, old)
                let to = detail(newView, new)
                let name = "\(reference.namespace)/\(reference.name)"
                if upgrade, from != to {
                    changes.append(ServiceChange(change: .upgraded, kind: kind, name: name, from: from, to: to))
                } else if let oldSpec = oldObject.root["spec"], let newSpec = newObject.root["spec"],
                    !oldSpec.sameContent(as: newSpec)
                {
                    changes.append(ServiceChange(change: .reconfigured, kind: kind, name: name, from: from, to: to))
                }
            }
        }
        diff("HelmRelease", HelmRelease.init, detail: chartVersion, upgrade: true)
        diff("HelmRepository", HelmRepository.init, detail: { view, _ in view.url }, upgrade: false)
        diff("Kustomization", FluxKustomization.init, detail: { view, _ in view.path }, upgrade: false)
        return changes.sorted(by: ServiceChange.inRiskOrder)
    }

    /// `+ HelmRelease keda/keda 2.14.0`, `^ HelmRelease keda/keda 2.14.0 → 2.14.1`, …
    public static func describe(_ change: ServiceChange) -> String {
        switch change.change {
        case .added: return "+ added       \(change.kind) \(change.name)" + (change.to.map { " \($0)" } ?? "")
        case .removed: return "- removed     \(change.kind) \(change.name)" + (change.from.map { " \($0)" } ?? "")
        case .upgraded:
            return "^ upgraded    \(change.kind) \(change.name) \(change.from ?? "none") → \(change.to ?? "none")"
                + (change.step.map { " (\($0.rawValue))" } ?? "")
        case .downgraded:
            return "v downgraded  \(change.kind) \(change.name) \(change.from ?? "none") → \(change.to ?? "none")"
        case .reconfigured: return "~ reconfigured \(change.kind) \(change.name)"
        }
    }
}
