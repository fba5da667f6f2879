import Manifests

/// Changes to Flux objects that change what Flux deletes, reconciles or installs.
enum FluxBehaviourRules: DangerCheck {
    static let rules: [DangerRule] = [
        .pruneEnabled, .suspendChanged, .deletionPolicyChanged, .inventoryReplaced, .releaseIdentityChanged,
        .remediationDisabled,
    ]

    static func check(_ change: ObjectChange) -> [DangerHit] {
        guard change.isFlux, let old = change.old, let new = change.new else { return [] }
        var hits: [DangerHit] = []
        let kustomization = change.is("Kustomization", group: FluxAPI.kustomizeGroup)
        if kustomization, !ObjectChange.truthy(old.node.string(at: ["spec", "prune"])),
            ObjectChange.truthy(new.node.string(at: ["spec", "prune"]))
        {
            hits.append(DangerHit(rule: .pruneEnabled, field: ["spec", "prune"], message: "prune turned on"))
        }
        let (wasSuspended, isSuspended) = (
            ObjectChange.truthy(old.node.string(at: ["spec", "suspend"])),
            ObjectChange.truthy(new.node.string(at: ["spec", "suspend"]))
        )
        if wasSuspended != isSuspended {
            hits.append(
                DangerHit(
                    rule: .suspendChanged, field: ["spec", "suspend"],
                    message: isSuspended ? "suspended" : "resumed (suspend removed)"))
        }
        let (oldPolicy, newPolicy) = change.strings(["spec", "deletionPolicy"])
        if oldPolicy != newPolicy {
            hits.append(
                DangerHit(
                    rule: .deletionPolicyChanged, field: ["spec", "deletionPolicy"],
                    message: "deletionPolicy \(oldPolicy ?? "default") → \(newPolicy ?? "default")"))
        }
        if kustomization {
            let (oldPath, newPath) = change.strings(["spec", "path"])
            if normalized(oldPath) != normalized(newPath) {
                hits.append(
                    DangerHit(
                        rule: .inventoryReplaced, field: ["spec", "path"],
                        message: "path \(oldPath ?? "./") → \(newPath ?? "./")"))
            }
            let (oldTarget, newTarget) = change.strings(["spec", "targetNamespace"])
            if oldTarget != newTarget {
                hits.append(
                    DangerHit(
                        rule: .inventoryReplaced, field: ["spec", "targetNamespace"],
                        message: "targetNamespace \(oldTarget ?? "none") → \(newTarget ?? "none")"))
            }
            if sourceRef(old.node, own: old.namespace) != sourceRef(new.node, own: new.namespace) {
                hits.append(
                    DangerHit(
                        rule: .inventoryReplaced, field: ["spec", "sourceRef"],
                        message:
                            "sourceRef \(sourceRef(old.node, own: old.namespace)) → \(sourceRef(new.node, own: new.namespace))"
                    ))
            }
        }
        if change.is("HelmRelease", group: FluxAPI.helmGroup) {
            // helm-controller names a release `[targetNamespace-]name` unless releaseName is set.
            func release(_ object: RenderedObject) -> String {
                object.node.string(at: ["spec", "releaseName"])
                    ?? ((object.node.string(at: ["spec", "targetNamespace"]).map { "\($0)-" } ?? "") + object.name)
            }
            if release(old) != release(new) {
                hits.append(
                    DangerHit(
                        rule: .releaseIdentityChanged, field: ["spec", "releaseName"],
                        message: "release name \(release(old)) → \(release(new))"))
            }
            for field in ["targetNamespace", "storageNamespace"] {
                let (before, after) = change.strings(["spec", field])
                if before != after {
                    hits.append(
                        DangerHit(
                            rule: .releaseIdentityChanged, field: ["spec", field],
                            message: "\(field) \(before ?? "default") → \(after ?? "default")"))
                }
            }
            for phase in ["install", "upgrade"] {
                let path = ["spec", phase, "remediation", "retries"]
                let (before, after) = change.strings(path)
                if let before, let retries = Int(before), retries != 0, (after.flatMap { Int($0) } ?? 0) == 0 {
                    hits.append(
                        DangerHit(
                            rule: .remediationDisabled, field: path,
                            message: "\(phase) remediation retries \(before) → \(after ?? "none")"))
                }
            }
            let last = ["spec", "upgrade", "remediation", "remediateLastFailure"]
            let (remediated, remediates) = change.strings(last)
            if ObjectChange.truthy(remediated), !ObjectChange.truthy(remediates) {
                hits.append(
                    DangerHit(rule: .remediationDisabled, field: last, message: "remediateLastFailure turned off"))
            }
        }
        return hits
    }

    private static func normalized(_ path: String?) -> String {
        var path = path ?? ""
        while path.hasPrefix("./") { path.removeFirst(2) }
        while path.hasSuffix("/") { path.removeLast() }
        return path == "." ? "" : path
    }

    private static func sourceRef(_ node: YAMLNode, own namespace: String?) -> String {
        let reference = ["spec", "sourceRef"]
        return [
            node.string(at: reference + ["kind"]) ?? "", node.string(at: reference + ["namespace"]) ?? namespace ?? "",
            node.string(at: reference + ["name"]) ?? "",
        ]
        .joined(separator: "/")
    }
}
