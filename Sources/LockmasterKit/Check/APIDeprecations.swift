/// A served API version that is deprecated or removed, and what replaces it.
struct APIDeprecation: Sendable {
    var apiVersion: String
    /// Kinds it applies to; empty for every kind of that API version.
    var kinds: [String]
    var replacement: String
    /// Kubernetes minor version (1.X) that deprecated it, if known.
    var deprecatedIn: Int?
    /// Kubernetes minor version (1.X) that stopped serving it.
    var removedIn: Int?
    /// For Flux APIs: a sentence on the Flux release that deprecated or removed it.
    var fluxNote: String?
}

/// The deprecation tables, as data.
enum APIDeprecations {
    /// Flux APIs. Source: FLUX.md §2.1 (OCIRepository v1beta2 is not in the CRD from source-controller
    /// v1.8 / Flux 2.8); the GA promotions of each API (source v1, kustomize v1, helm v2); the Flux
    /// roadmap: deprecated beta versions are removed gradually from Flux 2.4 on.
    static let flux: [APIDeprecation] = [
        .init(apiVersion: "source.toolkit.fluxcd.io/v1beta2", kinds: ["OCIRepository"], replacement: "source.toolkit.fluxcd.io/v1",
              fluxNote: "removed from the OCIRepository CRD in Flux 2.8"),
        .init(apiVersion: "source.toolkit.fluxcd.io/v1beta1", kinds: [], replacement: "source.toolkit.fluxcd.io/v1",
              fluxNote: "deprecated; beta APIs are removed from Flux from 2.4 on"),
        .init(apiVersion: "source.toolkit.fluxcd.io/v1beta2", kinds: ["GitRepository", "HelmRepository", "HelmChart", "Bucket"],
              replacement: "source.toolkit.fluxcd.io/v1", fluxNote: "deprecated; beta APIs are removed from Flux from 2.4 on"),
        .init(apiVersion: "kustomize.toolkit.fluxcd.io/v1beta1", kinds: [], replacement: "kustomize.toolkit.fluxcd.io/v1",
              fluxNote: "deprecated; beta APIs are removed from Flux from 2.4 on"),
        .init(apiVersion: "kustomize.toolkit.fluxcd.io/v1beta2", kinds: [], replacement: "kustomize.toolkit.fluxcd.io/v1",
              fluxNote: "deprecated; beta APIs are removed from Flux from 2.4 on"),
        .init(apiVersion: "helm.toolkit.fluxcd.io/v2beta1", kinds: [], replacement: "helm.toolkit.fluxcd.io/v2",
              fluxNote: "deprecated; beta APIs are removed from Flux from 2.4 on"),
        .init(apiVersion: "helm.toolkit.fluxcd.io/v2beta2", kinds: [], replacement: "helm.toolkit.fluxcd.io/v2",
              fluxNote: "deprecated; beta APIs are removed from Flux from 2.4 on"),
    ]

    /// Kubernetes built-in APIs. Source: the Kubernetes "Deprecated API Migration Guide"
    /// (kubernetes.io/docs/reference/using-api/deprecation-guide), removals by release.
    static let kubernetes: [APIDeprecation] = [
        .init(apiVersion: "extensions/v1beta1", kinds: ["Deployment", "DaemonSet", "ReplicaSet"], replacement: "apps/v1", removedIn: 16),
        .init(apiVersion: "apps/v1beta1", kinds: [], replacement: "apps/v1", removedIn: 16),
        .init(apiVersion: "apps/v1beta2", kinds: [], replacement: "apps/v1", removedIn: 16),
        .init(apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], replacement: "networking.k8s.io/v1", removedIn: 16),
        .init(apiVersion: "extensions/v1beta1", kinds: ["Ingress"], replacement: "networking.k8s.io/v1", deprecatedIn: 14, removedIn: 22),
        .init(apiVersion: "networking.k8s.io/v1beta1", kinds: ["Ingress", "IngressClass"], replacement: "networking.k8s.io/v1", deprecatedIn: 19, removedIn: 22),
        .init(apiVersion: "admissionregistration.k8s.io/v1beta1", kinds: [], replacement: "admissionregistration.k8s.io/v1", deprecatedIn: 16, removedIn: 22),
        .init(apiVersion: "apiextensions.k8s.io/v1beta1", kinds: [], replacement: "apiextensions.k8s.io/v1", deprecatedIn: 16, removedIn: 22),
        .init(apiVersion: "apiregistration.k8s.io/v1beta1", kinds: [], replacement: "apiregistration.k8s.io/v1", deprecatedIn: 19, removedIn: 22),
        .init(apiVersion: "certificates.k8s.io/v1beta1", kinds: [], replacement: "certificates.k8s.io/v1", deprecatedIn: 19, removedIn: 22),
        .init(apiVersion: "coordination.k8s.io/v1beta1", kinds: [], replacement: "coordination.k8s.io/v1", deprecatedIn: 19, removedIn: 22),
        .init(apiVersion: "rbac.authorization.k8s.io/v1beta1", kinds: [], replacement: "rbac.authorization.k8s.io/v1", deprecatedIn: 17, removedIn: 22),
        .init(apiVersion: "scheduling.k8s.io/v1beta1", kinds: [], replacement: "scheduling.k8s.io/v1", deprecatedIn: 14, removedIn: 22),
        .init(apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
              replacement: "storage.k8s.io/v1", deprecatedIn: 19, removedIn: 22),
        .init(apiVersion: "batch/v1beta1", kinds: ["CronJob"], replacement: "batch/v1", deprecatedIn: 21, removedIn: 25),
        .init(apiVersion: "discovery.k8s.io/v1beta1", kinds: [], replacement: "discovery.k8s.io/v1", deprecatedIn: 21, removedIn: 25),
        .init(apiVersion: "events.k8s.io/v1beta1", kinds: [], replacement: "events.k8s.io/v1", deprecatedIn: 19, removedIn: 25),
        .init(apiVersion: "autoscaling/v2beta1", kinds: [], replacement: "autoscaling/v2", deprecatedIn: 22, removedIn: 25),
        .init(apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], replacement: "policy/v1", deprecatedIn: 21, removedIn: 25),
        .init(apiVersion: "policy/v1beta1", kinds: ["PodSecurityPolicy"], replacement: "Pod Security Admission (no API replacement)", deprecatedIn: 21, removedIn: 25),
        .init(apiVersion: "node.k8s.io/v1beta1", kinds: [], replacement: "node.k8s.io/v1", deprecatedIn: 21, removedIn: 25),
        .init(apiVersion: "autoscaling/v2beta2", kinds: [], replacement: "autoscaling/v2", deprecatedIn: 23, removedIn: 26),
        .init(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: [], replacement: "flowcontrol.apiserver.k8s.io/v1", deprecatedIn: 23, removedIn: 26),
        .init(apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIStorageCapacity"], replacement: "storage.k8s.io/v1", deprecatedIn: 24, removedIn: 27),
        .init(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: [], replacement: "flowcontrol.apiserver.k8s.io/v1", deprecatedIn: 26, removedIn: 29),
        .init(apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kinds: [], replacement: "flowcontrol.apiserver.k8s.io/v1", deprecatedIn: 29, removedIn: 32),
    ]

    static func match(_ table: [APIDeprecation], apiVersion: String, kind: String) -> APIDeprecation? {
        table.first { $0.apiVersion == apiVersion && ($0.kinds.isEmpty || $0.kinds.contains(kind)) }
    }
}
