/// Recognises Flux objects that lack a field every whole object has: such documents are
/// patches or fragments (often kustomize patches), not objects Flux would apply.
public enum PartialObject {
    /// - Returns: why `object` is partial, or nil when it is whole (or not a Flux kind).
    public static func reason(_ object: KubernetesObject) -> String? {
        if let reason = HelmRelease.partialReason(object) { return reason }
        let spec = object.root["spec"]
        if FluxAPI.matches(object, group: FluxAPI.kustomizeGroup, kind: "Kustomization"), spec?["sourceRef"] == nil {
            return "partial Kustomization (no spec.sourceRef), such as a kustomize patch"
        }
        for kind in ["GitRepository", "OCIRepository", "HelmRepository"]
        where FluxAPI.matches(object, group: FluxAPI.sourceGroup, kind: kind) && spec?["url"] == nil {
            return "partial \(kind) (no spec.url), such as a kustomize patch"
        }
        if object.name == nil, object.group != KustomizeFile.group {
            return "no metadata.name, so not an object that can be applied"
        }
        return nil
    }
}
