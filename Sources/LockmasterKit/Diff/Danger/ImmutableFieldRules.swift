import Foundation
import Manifests

/// Fields the API server refuses to change in place (`field is immutable`).
enum ImmutableFieldRules: DangerCheck {
    static let rules: [DangerRule] = [
        .immutableSelector, .immutableStatefulSet, .immutableServiceIP, .immutableJobTemplate, .immutableClaim,
    ]

    static let workloads: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]

    static func check(_ change: ObjectChange) -> [DangerHit] {
        var hits: [DangerHit] = []
        if (workloads.contains(change.kind) && change.group == "apps") || change.is("Job", group: "batch"),
            change.changed(["spec", "selector"])
        {
            hits.append(
                DangerHit(rule: .immutableSelector, field: ["spec", "selector"], message: "spec.selector changed"))
        }
        if change.is("StatefulSet", group: "apps") {
            for field in ["volumeClaimTemplates", "serviceName"] where change.changed(["spec", field]) {
                hits.append(
                    DangerHit(rule: .immutableStatefulSet, field: ["spec", field], message: "spec.\(field) changed"))
            }
        }
        if change.is("Job", group: "batch"), change.changed(["spec", "template"]) {
            hits.append(
                DangerHit(rule: .immutableJobTemplate, field: ["spec", "template"], message: "spec.template changed"))
        }
        if change.is("Service", group: ""), change.old != nil, change.new != nil {
            let (old, new) = change.strings(["spec", "clusterIP"])
            // A value written on both sides that differs, or a Service turned headless or back.
            if (old != nil && new != nil && old != new)
                || (new == "None") != (old == "None") && (new == "None" || old == "None")
            {
                hits.append(
                    DangerHit(
                        rule: .immutableServiceIP, field: ["spec", "clusterIP"],
                        message: new == "None"
                            ? "a ClusterIP Service made headless (clusterIP: None)"
                            : old == "None"
                                ? "a headless Service given a cluster IP"
                                : "spec.clusterIP changed from \(old!) to \(new!)"))
            }
        }
        if change.is("PersistentVolumeClaim", group: ""), change.old != nil, change.new != nil {
            let (oldClass, newClass) = change.strings(["spec", "storageClassName"])
            if oldClass != nil, oldClass != newClass {
                hits.append(
                    DangerHit(
                        rule: .immutableClaim, field: ["spec", "storageClassName"],
                        message: "spec.storageClassName changed from \(oldClass!) to \(newClass ?? "the default")"))
            }
            if change.changed(["spec", "accessModes"]) {
                hits.append(
                    DangerHit(
                        rule: .immutableClaim, field: ["spec", "accessModes"], message: "spec.accessModes changed"))
            }
            let path = ["spec", "resources", "requests", "storage"]
            let (oldSize, newSize) = change.strings(path)
            if let oldSize, let newSize, let before = Quantity.bytes(oldSize), let after = Quantity.bytes(newSize),
                after < before
            {
                hits.append(
                    DangerHit(
                        rule: .immutableClaim, field: path, message: "storage shrinks from \(oldSize) to \(newSize)"))
            }
        }
        return hits
    }
}

/// Kubernetes resource quantities, as far as storage sizes use them.
enum Quantity {
    static func bytes(_ text: String) -> Double? {
        let suffixes: [(String, Double)] = [
            ("Ki", 0x1p10), ("Mi", 0x1p20), ("Gi", 0x1p30), ("Ti", 0x1p40), ("Pi", 0x1p50), ("Ei", 0x1p60),
            ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18), ("m", 1e-3),
        ]
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * factor }
        }
        return Double(text)
    }
}
