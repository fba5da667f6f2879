/// A Flux `HelmRepository` (source.toolkit.fluxcd.io v1beta1, v1beta2, v1), read-only.
public struct HelmRepository: Sendable, Hashable {
    public var object: KubernetesObject
    public var url: String?
    /// `default` (an HTTP(S) index) or `oci`.
    public var type: String

    public init?(_ object: KubernetesObject) {
        guard FluxAPI.matches(object, group: FluxAPI.sourceGroup, kind: "HelmRepository") else { return nil }
        self.object = object
        url = object.root.string(at: ["spec", "url"])
        type = object.root.string(at: ["spec", "type"]) ?? "default"
    }
}
