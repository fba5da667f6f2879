/// A Flux `Kustomization` (kustomize.toolkit.fluxcd.io v1beta1, v1beta2, v1), read-only.
/// Not to be confused with kustomize's own `kustomization.yaml` (`KustomizeFile`).
public struct FluxKustomization: Sendable, Hashable {
    public var object: KubernetesObject
    /// `spec.path`; nil means the artifact root.
    public var path: String?
    /// `spec.sourceRef`, namespace defaulted to the Kustomization's own.
    public var sourceRef: ObjectReference?
    /// `spec.dependsOn`, namespaces defaulted to the Kustomization's own.
    public var dependsOn: [ObjectReference]
    public var prune: Bool?
    public var suspend: Bool
    public var targetNamespace: String?

    public init?(_ object: KubernetesObject) {
        guard FluxAPI.matches(object, group: FluxAPI.kustomizeGroup, kind: "Kustomization") else { return nil }
        self.object = object
        path = object.root.string(at: ["spec", "path"])
        sourceRef = ObjectReference.read(
            object.root.node(at: ["spec", "sourceRef"]), defaultKind: "GitRepository",
            defaultNamespace: object.effectiveNamespace)
        dependsOn = object.dependsOn(kind: "Kustomization")
        prune = object.bool(at: ["spec", "prune"])
        suspend = object.bool(at: ["spec", "suspend"]) ?? false
        targetNamespace = object.root.string(at: ["spec", "targetNamespace"])
    }

    /// The cluster it applies to when not its own: `namespace/secret` of `spec.kubeConfig.secretRef`.
    /// What it applies there is that cluster's (identity, duplicates, services).
    public var remoteCluster: String? {
        object.root.string(at: ["spec", "kubeConfig", "secretRef", "name"]).map { "\(object.effectiveNamespace)/\($0)" }
    }

    /// `spec.path` as a repository-relative path without `./` or a trailing slash (empty for the root).
    public var normalizedPath: String {
        PathNormalizer.normalize(path ?? "")
    }
}

/// Normalises Flux `spec.path` values: `./platform/services/` and `platform/services` are the same path.
public enum PathNormalizer {
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}
