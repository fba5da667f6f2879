import Manifests

/// Objects whose removal takes more with it than the object itself.
enum DeletionRules: DangerCheck {
    static let rules: [DangerRule] = [
        .deletesNamespace, .deletesCRD, .deletesVolume, .deletesPruningKustomization, .deletesHelmRelease,
    ]

    static func check(_ change: ObjectChange) -> [DangerHit] {
        guard let old = change.old, change.new == nil else { return [] }
        if change.is("Namespace", group: "") {
            return [DangerHit(rule: .deletesNamespace, field: [], message: "Namespace \(old.name) removed")]
        }
        if change.is("CustomResourceDefinition", group: "apiextensions.k8s.io") {
            return [DangerHit(rule: .deletesCRD, field: [], message: "CustomResourceDefinition \(old.name) removed")]
        }
        if change.group == "", change.kind == "PersistentVolumeClaim" || change.kind == "PersistentVolume" {
            return [DangerHit(rule: .deletesVolume, field: [], message: "\(change.kind) \(old.name) removed")]
        }
        if change.is("Kustomization", group: FluxAPI.kustomizeGroup),
            ObjectChange.truthy(old.node.string(at: ["spec", "prune"])),
            old.node.string(at: ["spec", "deletionPolicy"]) != "Orphan"
        {
            return [
                DangerHit(
                    rule: .deletesPruningKustomization, field: [],
                    message: "Kustomization \(old.name) with prune: true removed")
            ]
        }
        if change.is("HelmRelease", group: FluxAPI.helmGroup) {
            return [DangerHit(rule: .deletesHelmRelease, field: [], message: "HelmRelease \(old.name) removed")]
        }
        return []
    }
}
