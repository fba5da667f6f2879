/// A Flux `HelmRelease` (helm.toolkit.fluxcd.io v2beta1, v2beta2, v2), read-only.
public struct HelmRelease: Sendable, Hashable {
    public var object: KubernetesObject
    /// `spec.chart.spec`, when the release uses a chart template.
    public var chart: ChartTemplate?
    /// `spec.chartRef`, when the release points at an OCIRepository or HelmChart instead.
    public var chartRef: ObjectReference?
    /// `spec.dependsOn`, namespaces defaulted to the release's own.
    public var dependsOn: [ObjectReference]
    public var suspend: Bool
    public var targetNamespace: String?

    public struct ChartTemplate: Sendable, Hashable {
        public var chart: String?
        /// `spec.chart.spec.version`; Flux's default is `*`.
        public var version: String?
        public var sourceRef: ObjectReference?
    }

    /// Why an object of this kind cannot be used as a whole release, if it cannot.
    public static func partialReason(_ object: KubernetesObject) -> String? {
        guard FluxAPI.matches(object, group: FluxAPI.helmGroup, kind: "HelmRelease") else { return nil }
        if object.root.node(at: ["spec", "chart"]) == nil, object.root.node(at: ["spec", "chartRef"]) == nil {
            return "partial HelmRelease (no spec.chart or spec.chartRef), such as a kustomize patch"
        }
        return nil
    }

    public init?(_ object: KubernetesObject) {
        guard FluxAPI.matches(object, group: FluxAPI.helmGroup, kind: "HelmRelease"), Self.partialReason(object) == nil
        else { return nil }
        self.object = object
        let namespace = object.effectiveNamespace
        if let spec = object.root.node(at: ["spec", "chart", "spec"]) {
            chart = ChartTemplate(
                chart: spec.string(at: ["chart"]),
                version: spec.string(at: ["version"]),
                // The HelmChart lives in the source's namespace, which defaults to the release's.
                sourceRef: ObjectReference.read(
                    spec["sourceRef"], defaultKind: "HelmRepository", defaultNamespace: namespace)
            )
        }
        chartRef = ObjectReference.read(
            object.root.node(at: ["spec", "chartRef"]), defaultKind: "OCIRepository", defaultNamespace: namespace)
        dependsOn = object.dependsOn(kind: "HelmRelease")
        suspend = object.bool(at: ["spec", "suspend"]) ?? false
        targetNamespace = object.root.string(at: ["spec", "targetNamespace"])
    }
}
