/// kustomize's own `kustomization.yaml` (`kustomize.config.k8s.io/v1beta1` Kustomization, or
/// `v1alpha1` Component), read-only.
public struct KustomizeFile: Sendable, Hashable {
    public static let group = "kustomize.config.k8s.io"
    public static let defaultAPIVersion = "\(group)/v1beta1"

    public var object: KubernetesObject
    public var isComponent: Bool
    public var resources: [String]
    public var components: [String]
    public var namespace: String?
    /// Files named by `patches[].path`, `patchesStrategicMerge[]` and `patchesJson6902[].path`.
    public var patchPaths: [String]

    public init?(_ object: KubernetesObject) {
        guard object.group == Self.group, object.kind == "Kustomization" || object.kind == "Component" else {
            return nil
        }
        self.object = object
        isComponent = object.kind == "Component"
        let root = object.root
        func strings(_ key: String) -> [String] { (root[key]?.items ?? []).compactMap(\.string) }
        resources = strings("resources")
        components = strings("components")
        namespace = root.string(at: ["namespace"])
        // Inline patches (`patch: |`) have no path; `patchesStrategicMerge` may hold inline YAML too.
        let withPath = ((root["patches"]?.items ?? []) + (root["patchesJson6902"]?.items ?? [])).compactMap {
            $0.string(at: ["path"])
        }
        let strategic = strings("patchesStrategicMerge").filter { !$0.contains("\n") && !$0.contains(":") }
        patchPaths = withPath + strategic
    }
}
