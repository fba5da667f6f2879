/// A Flux `OCIRepository` (source.toolkit.fluxcd.io v1beta2, v1), read-only.
public struct OCIRepository: Sendable, Hashable {
    public var object: KubernetesObject
    public var url: String?
    public var ref: Ref?
    /// `spec.verify`: the cluster refuses an artifact whose signature does not verify (FLUX.md §2.7).
    public var verify: Verify?

    /// `spec.ref`. Flux's precedence: digest, then semver (with semverFilter), then tag; no ref means tag `latest`.
    public struct Ref: Sendable, Hashable, Codable {
        public var tag: String?
        public var semver: String?
        public var semverFilter: String?
        public var digest: String?
    }

    public struct Verify: Sendable, Hashable {
        /// `cosign` (the default) or `notation`.
        public var provider: String
        /// The Secret whose `*.pub` keys verify; nil for keyless verification.
        public var secretName: String?
    }

    public init?(_ object: KubernetesObject) {
        guard FluxAPI.matches(object, group: FluxAPI.sourceGroup, kind: "OCIRepository") else { return nil }
        self.object = object
        url = object.root.string(at: ["spec", "url"])
        if let node = object.root.node(at: ["spec", "ref"]), node.pairs != nil {
            ref = Ref(
                tag: node.string(at: ["tag"]),
                semver: node.string(at: ["semver"]),
                semverFilter: node.string(at: ["semverFilter"]),
                digest: node.string(at: ["digest"])
            )
        }
        if let node = object.root.node(at: ["spec", "verify"]), node.pairs != nil {
            verify = Verify(
                provider: node.string(at: ["provider"]) ?? "cosign", secretName: node.string(at: ["secretRef", "name"]))
        }
    }
}
