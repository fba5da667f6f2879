/// A Flux `OCIRepository` (source.toolkit.fluxcd.io v1beta2, v1), read-only.
public struct OCIRepository: Sendable, Hashable {
    public var object: KubernetesObject
    public var url: String?
    public var ref: Ref?

    /// `spec.ref`. Flux's precedence: digest, then semver (with semverFilter), then tag; no ref means tag `latest`.
    public struct Ref: Sendable, Hashable, Codable {
        public var tag: String?
        public var semver: String?
        public var semverFilter: String?
        public var digest: String?
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
    }
}
