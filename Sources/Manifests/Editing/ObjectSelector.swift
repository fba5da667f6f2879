/// Picks one document in a file: by kind and name, optionally namespace and API group.
public struct ObjectSelector: Sendable, Hashable, CustomStringConvertible {
    public var kind: String
    public var name: String
    /// nil matches any namespace; otherwise compared with the object's namespace (`default` when unset).
    public var namespace: String?
    /// nil matches any group, e.g. `source.toolkit.fluxcd.io`.
    public var group: String?

    public init(kind: String, name: String, namespace: String? = nil, group: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.group = group
    }

    public func matches(_ object: KubernetesObject) -> Bool {
        object.kind == kind && object.name == name
            && (namespace == nil || object.effectiveNamespace == namespace)
            && (group == nil || object.group == group)
    }

    public var description: String { "\(kind)/" + (namespace.map { "\($0)/" } ?? "") + name }
}
