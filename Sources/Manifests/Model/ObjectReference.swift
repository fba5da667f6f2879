/// What names an object in a cluster: API group, kind, namespace and name (the version is only how it
/// is read, so a `v1beta2` and a `v1` OCIRepository of one name are one object, and a core
/// ServiceAccount and a `talos.dev` ServiceAccount of one name are two). Check, diff, render and
/// teardown all name objects with it.
///
/// It prints, and encodes in JSON, as `Kind/namespace/name`; `qualified` adds the group for where two
/// groups share a kind and name.
public struct ObjectReference: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Empty for the core group (`v1`).
    public var group: String
    public var kind: String
    public var name: String
    /// Empty for a cluster-scoped object.
    public var namespace: String

    public init(group: String, kind: String, name: String, namespace: String) {
        self.group = group
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object.
    public var description: String { "\(kind)/" + (namespace.isEmpty ? "" : "\(namespace)/") + name }

    /// `Kind.group/namespace/name` (`ServiceAccount.talos.dev/ns/name`), for when the kind alone is ambiguous.
    public var qualified: String {
        group.isEmpty ? description : "\(kind).\(group)/" + (namespace.isEmpty ? "" : "\(namespace)/") + name
    }

    public static func < (lhs: ObjectReference, rhs: ObjectReference) -> Bool {
        (lhs.description, lhs.group) < (rhs.description, rhs.group)
    }
}
