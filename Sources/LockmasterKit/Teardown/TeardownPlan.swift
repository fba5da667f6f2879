public import Manifests

/// A Flux object the teardown handles: a Kustomization, a HelmRelease, or a source.
public struct TeardownObject: Sendable, Codable, Hashable {
    public var kind: String
    public var namespace: String
    public var name: String
    /// `Kind/namespace/name` of the objects it `dependsOn` (same kind, namespace defaulted).
    public var dependsOn: [ObjectReference]
    public var suspended: Bool
    /// Kustomization `spec.prune`; nil for other kinds.
    public var prune: Bool?
    /// Kustomization `spec.deletionPolicy`; nil means the default (MirrorPrune).
    public var deletionPolicy: String?
    /// The Kustomization that applies this object, if known (`Kustomization/namespace/name`).
    public var appliedBy: ObjectReference?
    /// API groups whose CRDs this object installs (from the render), or `*` for the
    /// `lockmaster.io/provides: crds` annotation.
    public var providesCRDGroups: [String]
    /// API groups of the custom resources it owns (from the render).
    public var ownsCustomResourceGroups: [String]
    /// `lockmaster.io/external-state: "true"`: it owns load balancers, volumes or the like.
    public var externalState: Bool
    /// Found in the cluster but not in git.
    public var clusterOnly: Bool
    /// It installs Flux itself (the flux-operator or flux-instance chart, a FluxInstance, Flux's
    /// controllers): deleted last, since those controllers serve the finalizers of everything else.
    public var installsFlux: Bool = false

    public init(
        kind: String, namespace: String, name: String, dependsOn: [ObjectReference] = [], suspended: Bool = false,
        prune: Bool? = nil,
        deletionPolicy: String? = nil, appliedBy: ObjectReference? = nil, providesCRDGroups: [String] = [],
        ownsCustomResourceGroups: [String] = [],
        externalState: Bool = false, clusterOnly: Bool = false
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.dependsOn = dependsOn
        self.suspended = suspended
        self.prune = prune
        self.deletionPolicy = deletionPolicy
        self.appliedBy = appliedBy
        self.providesCRDGroups = providesCRDGroups
        self.ownsCustomResourceGroups = ownsCustomResourceGroups
        self.externalState = externalState
        self.clusterOnly = clusterOnly
    }

    public var id: ObjectReference { ObjectReference(kind: kind, name: name, namespace: namespace) }
    var isRoot: Bool { kind == "Kustomization" && namespace == "flux-system" && name == "flux-system" }
    var isSource: Bool { ["GitRepository", "OCIRepository", "HelmRepository", "Bucket", "HelmChart"].contains(kind) }
}

/// One step of a teardown, in order.
public struct TeardownStep: Sendable, Codable, Equatable {
    public enum Action: String, Sendable, Codable {
        /// JSON merge patch `{"spec":{"suspend":true}}` on the root `flux-system` Kustomization.
        case suspend
        /// `{"spec":{"suspend":false}}`: a suspended object would orphan what it owns when deleted.
        case resume
        /// Delete, then wait until the object is gone.
        case delete
        /// Only `flux-system` Kustomization left, no HelmRelease, no namespace left terminating.
        case verify
        /// The `sandbox.destroy` hooks.
        case destroy
        /// Remove the sandbox directory in a commit, and the branch when merged.
        case removeDirectory = "remove-directory"
    }

    public var number: Int
    public var action: Action
    /// `Kind/namespace/name` for object steps.
    public var object: ObjectReference?
    /// The delete wave (1 first) for delete steps.
    public var wave: Int?
    /// Why this step is here, and why at this place.
    public var reason: String
}

/// A teardown plan: steps in order, and what to know before running it.
public struct TeardownPlan: Sendable, Codable, Equatable {
    public var sandbox: String
    public var steps: [TeardownStep]
    public var warnings: [String]
}

extension ObjectReference {
    /// The root sync Kustomization flux bootstrap writes, which a teardown only suspends.
    static let root = ObjectReference(kind: "Kustomization", name: "flux-system", namespace: "flux-system")
}
