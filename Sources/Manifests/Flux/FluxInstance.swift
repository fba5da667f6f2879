import Support

/// A Flux Operator `FluxInstance` (fluxcd.controlplane.io v1), read-only. With `spec.sync`, the operator
/// creates what `flux bootstrap` would write: a source of kind `spec.sync.kind` (GitRepository,
/// OCIRepository or Bucket) and a Kustomization, both named after the instance's namespace, in it.
///
/// Most home-ops repositories do not write the FluxInstance itself: they install the `flux-instance`
/// Helm chart, whose `values.instance` is the FluxInstance's spec. Both read the same.
public struct FluxInstance: Sendable, Hashable {
    public static let group = "fluxcd.controlplane.io"

    /// The FluxInstance, or the HelmRelease whose chart values declare it.
    public var object: KubernetesObject
    /// Where the spec is inside `object`: `["spec"]`, or `["spec", "values", "instance"]` for the chart.
    public var specPath: [String]
    /// `spec.sync`: kind, url, ref and path of the cluster's own sync, when the operator manages it.
    public var sync: Sync?
    /// `spec.distribution.version`: the Flux version (or range, such as `2.x`) the operator installs.
    public var distributionVersion: String?
    /// The namespace the operator creates the sync objects in.
    public var namespace: String

    public struct Sync: Sendable, Hashable {
        public var kind: String
        public var url: String?
        public var ref: String?
        public var path: String?
        /// `spec.sync.name`: the name of the source and Kustomization the operator creates (default:
        /// the instance's namespace).
        public var name: String?

        public init(kind: String, url: String?, ref: String?, path: String?, name: String? = nil) {
            self.kind = kind
            self.url = url
            self.ref = ref
            self.path = path
            self.name = name
        }

        /// `path` as Flux reads it: relative to the source root, no `./`, no trailing `/`.
        public var normalizedPath: String { PathNormalizer.normalize(path ?? "") }
    }

    public init?(_ object: KubernetesObject) {
        if object.group == Self.group, object.kind == "FluxInstance" {
            self.init(object, specPath: ["spec"], namespace: object.namespace ?? Self.defaultNamespace)
        } else if HelmRelease(object) != nil,
            object.root.node(at: ["spec", "values", "instance", "sync", "kind"]) != nil
        {
            // The chart creates the FluxInstance in the release's namespace: spec.targetNamespace, else
            // the HelmRelease's own (docs/flux-facts.md §1).
            let namespace =
                object.root.string(at: ["spec", "targetNamespace"]) ?? object.namespace ?? Self.defaultNamespace
            self.init(object, specPath: ["spec", "values", "instance"], namespace: namespace)
        } else {
            return nil
        }
    }

    /// The flux-instance chart's values that `release` takes through `valuesFrom` from a ConfigMap its
    /// kustomization generates from a file: `values` is that file's YAML, at `file`. Locations and edits
    /// of the instance are in that file.
    public init?(release: KubernetesObject, values: YAMLNode, file: String) {
        guard values.node(at: ["instance", "sync", "kind"]) != nil else { return nil }
        let namespace =
            release.root.string(at: ["spec", "targetNamespace"]) ?? release.namespace ?? Self.defaultNamespace
        let object = KubernetesObject(
            apiVersion: release.apiVersion, kind: release.kind, name: release.name, namespace: release.namespace,
            location: SourceLocation(path: file, line: values.position.line, column: values.position.column),
            documentIndex: 0, root: values)
        self.init(object, specPath: ["instance"], namespace: namespace)
    }

    private init(_ object: KubernetesObject, specPath: [String], namespace: String) {
        self.object = object
        self.specPath = specPath
        self.namespace = namespace
        if let node = object.root.node(at: specPath + ["sync"]), let kind = node.string(at: ["kind"]) {
            sync = Sync(
                kind: kind, url: node.string(at: ["url"]), ref: node.string(at: ["ref"]),
                path: node.string(at: ["path"]), name: node.string(at: ["name"]))
        }
        distributionVersion = object.root.string(at: specPath + ["distribution", "version"])
    }

    /// Where an instance without a written namespace lives. Its files rarely say: the namespace comes
    /// from the kustomization.yaml that lists them, and the operator's documented home is flux-system.
    public static let defaultNamespace = "flux-system"

    /// Where `spec.sync.<field>` is written, for findings and edits.
    public func syncPath(_ field: String) -> [String] { specPath + ["sync", field] }

    /// The source and Kustomization the operator creates for `spec.sync`, named `spec.sync.name` or
    /// after the namespace.
    public var syncObjects: [ObjectReference] {
        guard let sync else { return [] }
        let name = sync.name ?? namespace
        return [
            ObjectReference(kind: sync.kind, name: name, namespace: namespace),
            ObjectReference(kind: "Kustomization", name: name, namespace: namespace),
        ]
    }

    /// `FluxInstance ns/name`, or `HelmRelease ns/name (flux-instance chart)`.
    public var displayName: String {
        let name = "\(namespace)/\(object.name ?? "")"
        return specPath == ["spec"] ? "FluxInstance \(name)" : "HelmRelease \(name) (flux-instance chart values)"
    }
}
