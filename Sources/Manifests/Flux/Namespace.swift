/// A core `v1` `Namespace`.
public struct Namespace: Sendable, Hashable {
    public var object: KubernetesObject
    public var name: String

    public init?(_ object: KubernetesObject) {
        guard object.apiVersion == "v1", object.kind == "Namespace", let name = object.name else { return nil }
        self.object = object
        self.name = name
    }
}
