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
    /// For Flux APIs: the Flux minor release (2.X) from which the replacement is served.
    var replacementSinceFlux: Int?
    /// For Flux APIs: the Flux minor release (2.X) that stopped serving it, when one has.
    var removedInFlux: Int?
}

/// The deprecation tables, as data.
enum APIDeprecations {
    /// Flux APIs, by the Flux minor release that serves the replacement and the one that removed them.
    /// Sources (docs/flux-facts.md §2): the GA promotions (source and kustomize v1 in Flux 2.0; the Helm
    /// APIs, HelmRelease v2 and HelmRepository/HelmChart v1, in 2.3; Bucket v1 in 2.5; OCIRepository v1
    /// in 2.6, FLUX.md §2.1; image v1 in 2.7); the removals of flux2#5474 (the v1beta1/v2beta1 groups in
    /// Flux 2.7; helm-controller#1396) and flux2#5711 (the v1beta2/v2beta2 groups in Flux 2.8;
    /// helm-controller#1404, kustomize-controller#1584, FLUX.md §2.1 for OCIRepository).
    static let flux: [APIDeprecation] = [
        .init(
            apiVersion: "source.toolkit.fluxcd.io/v1beta1", kinds: ["GitRepository"],
            replacement: "source.toolkit.fluxcd.io/v1", replacementSinceFlux: 0, removedInFlux: 7),
        .init(
            apiVersion: "source.toolkit.fluxcd.io/v1beta1", kinds: ["HelmRepository", "HelmChart"],
            replacement: "source.toolkit.fluxcd.io/v1",
            replacementSinceFlux: 3, removedInFlux: 7),
        .init(
            apiVersion: "source.toolkit.fluxcd.io/v1beta1", kinds: ["Bucket"],
            replacement: "source.toolkit.fluxcd.io/v1", replacementSinceFlux: 5, removedInFlux: 7),
        .init(
            apiVersion: "source.toolkit.fluxcd.io/v1beta2", kinds: ["OCIRepository"],
            replacement: "source.toolkit.fluxcd.io/v1", replacementSinceFlux: 6, removedInFlux: 8),
        .init(
            apiVersion: "source.toolkit.fluxcd.io/v1beta2", kinds: ["GitRepository"],
            replacement: "source.toolkit.fluxcd.io/v1", replacementSinceFlux: 0, removedInFlux: 8),
        .init(
            apiVersion: "source.toolkit.fluxcd.io/v1beta2", kinds: ["HelmRepository", "HelmChart"],
            replacement: "source.toolkit.fluxcd.io/v1",
            replacementSinceFlux: 3, removedInFlux: 8),
        .init(
            apiVersion: "source.toolkit.fluxcd.io/v1beta2", kinds: ["Bucket"],
            replacement: "source.toolkit.fluxcd.io/v1", replacementSinceFlux: 5, removedInFlux: 8),
        .init(
            apiVersion: "kustomize.toolkit.fluxcd.io/v1beta1", kinds: [], replacement: "kustomize.toolkit.fluxcd.io/v1",
            replacementSinceFlux: 0, removedInFlux: 7),
        .init(
            apiVersion: "kustomize.toolkit.fluxcd.io/v1beta2", kinds: [], replacement: "kustomize.toolkit.fluxcd.io/v1",
            replacementSinceFlux: 0, removedInFlux: 8),
        .init(
            apiVersion: "helm.toolkit.fluxcd.io/v2beta1", kinds: [], replacement: "helm.toolkit.fluxcd.io/v2",
            replacementSinceFlux: 3, removedInFlux: 7),
        .init(
            apiVersion: "helm.toolkit.fluxcd.io/v2beta2", kinds: [], replacement: "helm.toolkit.fluxcd.io/v2",
            replacementSinceFlux: 3, removedInFlux: 8),
        .init(
            apiVersion: "image.toolkit.fluxcd.io/v1beta1", kinds: [], replacement: "image.toolkit.fluxcd.io/v1",
            replacementSinceFlux: 7, removedInFlux: 7),
        .init(
            apiVersion: "image.toolkit.fluxcd.io/v1beta2", kinds: [], replacement: "image.toolkit.fluxcd.io/v1",
            replacementSinceFlux: 7),
    ]

    /// Kubernetes built-in APIs. Source: the Kubernetes "Deprecated API Migration Guide"
    /// (kubernetes.io/docs/reference/using-api/deprecation-guide), removals by release.
    static let kubernetes: [APIDeprecation] = [
        .init(
            apiVersion: "extensions/v1beta1", kinds: ["Deployment", "DaemonSet", "ReplicaSet"], replacement: "apps/v1",
            removedIn: 16),
        .init(apiVersion: "apps/v1beta1", kinds: [], replacement: "apps/v1", removedIn: 16),
        .init(apiVersion: "apps/v1beta2", kinds: [], replacement: "apps/v1", removedIn: 16),
        .init(
            apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], replacement: "networking.k8s.io/v1",
            removedIn: 16),
        .init(
            apiVersion: "extensions/v1beta1", kinds: ["Ingress"], replacement: "networking.k8s.io/v1", deprecatedIn: 14,
            removedIn: 22),
        .init(
            apiVersion: "networking.k8s.io/v1beta1", kinds: ["Ingress", "IngressClass"],
            replacement: "networking.k8s.io/v1", deprecatedIn: 19, removedIn: 22),
        .init(
            apiVersion: "admissionregistration.k8s.io/v1beta1", kinds: [],
            replacement: "admissionregistration.k8s.io/v1", deprecatedIn: 16, removedIn: 22),
        .init(
            apiVersion: "apiextensions.k8s.io/v1beta1", kinds: [], replacement: "apiextensions.k8s.io/v1",
            deprecatedIn: 16, removedIn: 22),
        .init(
            apiVersion: "apiregistration.k8s.io/v1beta1", kinds: [], replacement: "apiregistration.k8s.io/v1",
            deprecatedIn: 19, removedIn: 22),
        .init(
            apiVersion: "certificates.k8s.io/v1beta1", kinds: [], replacement: "certificates.k8s.io/v1",
            deprecatedIn: 19, removedIn: 22),
        .init(
            apiVersion: "coordination.k8s.io/v1beta1", kinds: [], replacement: "coordination.k8s.io/v1",
            deprecatedIn: 19, removedIn: 22),
        .init(
            apiVersion: "rbac.authorization.k8s.io/v1beta1", kinds: [], replacement: "rbac.authorization.k8s.io/v1",
            deprecatedIn: 17, removedIn: 22),
        .init(
            apiVersion: "scheduling.k8s.io/v1beta1", kinds: [], replacement: "scheduling.k8s.io/v1", deprecatedIn: 14,
            removedIn: 22),
        .init(
            apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
            replacement: "storage.k8s.io/v1", deprecatedIn: 19, removedIn: 22),
        .init(
            apiVersion: "batch/v1beta1", kinds: ["CronJob"], replacement: "batch/v1", deprecatedIn: 21, removedIn: 25),
        .init(
            apiVersion: "discovery.k8s.io/v1beta1", kinds: [], replacement: "discovery.k8s.io/v1", deprecatedIn: 21,
            removedIn: 25),
        .init(
            apiVersion: "events.k8s.io/v1beta1", kinds: [], replacement: "events.k8s.io/v1", deprecatedIn: 19,
            removedIn: 25),
        .init(
            apiVersion: "autoscaling/v2beta1", kinds: [], replacement: "autoscaling/v2", deprecatedIn: 22, removedIn: 25
        ),
        .init(
            apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], replacement: "policy/v1", deprecatedIn: 21,
            removedIn: 25),
        .init(
            apiVersion: "policy/v1beta1", kinds: ["PodSecurityPolicy"],
            replacement: "Pod Security Admission (no API replacement)", deprecatedIn: 21, removedIn: 25),
        .init(
            apiVersion: "node.k8s.io/v1beta1", kinds: [], replacement: "node.k8s.io/v1", deprecatedIn: 21, removedIn: 25
        ),
        .init(
            apiVersion: "autoscaling/v2beta2", kinds: [], replacement: "autoscaling/v2", deprecatedIn: 23, removedIn: 26
        ),
        .init(
            apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: [],
            replacement: "flowcontrol.apiserver.k8s.io/v1", deprecatedIn: 23, removedIn: 26),
        .init(
            apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIStorageCapacity"], replacement: "storage.k8s.io/v1",
            deprecatedIn: 24, removedIn: 27),
        .init(
            apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: [],
            replacement: "flowcontrol.apiserver.k8s.io/v1", deprecatedIn: 26, removedIn: 29),
        .init(
            apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kinds: [],
            replacement: "flowcontrol.apiserver.k8s.io/v1", deprecatedIn: 29, removedIn: 32),
    ]

    static func match(_ table: [APIDeprecation], apiVersion: String, kind: String) -> APIDeprecation? {
        table.first { $0.apiVersion == apiVersion && ($0.kinds.isEmpty || $0.kinds.contains(kind)) }
    }
}
