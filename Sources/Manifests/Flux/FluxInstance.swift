/// A Flux Operator `FluxInstance` (fluxcd.controlplane.io v1), read-only. With `spec.sync`, the operator
/// creates what `flux bootstrap` would write: a source of kind `spec.sync.kind` (GitRepository,
/// OCIRepository or Bucket) and a Kustomization, both named after the instance's namespace, in it.
public struct FluxInstance: Sendable, Hashable {
    public static let group = "fluxcd.controlplane.io"

    public var object: KubernetesObject
    /// `spec.sync`: kind, url, ref and path of the cluster's own sync, when the operator manages it.
    public var sync: Sync?

    public struct Sync: Sendable, Hashable {
        public var kind: String
        public var url: String?
        public var ref: String?
        public var path: String?
    }

    public init?(_ object: KubernetesObject) {
        guard object.group == Self.group, object.kind == "FluxInstance" else { return nil }
        self.object = object
        if let node = object.root.node(at: ["spec", "sync"]), let kind = node.string(at: ["kind"]) {
            sync = Sync(kind: kind, url: node.string(at: ["url"]), ref: node.string(at: ["ref"]), path: node.string(at: ["path"]))
        }
    }

    /// The source and Kustomization the operator creates for `spec.sync`.
    public var syncObjects: [ObjectReference] {
        guard let sync else { return [] }
        let namespace = object.effectiveNamespace
        return [ObjectReference(kind: sync.kind, name: namespace, namespace: namespace),
                ObjectReference(kind: "Kustomization", name: namespace, namespace: namespace)]
    }
}
