/// A Flux `GitRepository` (source.toolkit.fluxcd.io v1beta1, v1beta2, v1), read-only.
public struct GitRepository: Sendable, Hashable {
    public var object: KubernetesObject
    public var url: String?
    public var ref: Ref?

    /// `spec.ref`. Flux's precedence when several are set: commit, name, semver, tag, branch.
    public struct Ref: Sendable, Hashable, Codable {
        public var branch: String?
        public var tag: String?
        public var semver: String?
        public var name: String?
        public var commit: String?
    }

    public init?(_ object: KubernetesObject) {
        guard FluxAPI.matches(object, group: FluxAPI.sourceGroup, kind: "GitRepository") else { return nil }
        self.object = object
        url = object.root.string(at: ["spec", "url"])
        if let node = object.root.node(at: ["spec", "ref"]), node.pairs != nil {
            ref = Ref(
                branch: node.string(at: ["branch"]),
                tag: node.string(at: ["tag"]),
                semver: node.string(at: ["semver"]),
                name: node.string(at: ["name"]),
                commit: node.string(at: ["commit"])
            )
        }
    }
}
