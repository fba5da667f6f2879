import Manifests
import Platform
import Support

/// `duplicate-object`: one API group/kind/namespace/name applied twice to one cluster of an environment
/// with different content (what a Kustomization applies through `spec.kubeConfig` is another cluster's). The same object applied by two Kustomizations (a Namespace or Secret that a shared component
/// makes, labels aside) is applied as one; different specs or data flap on every reconciliation.
enum DuplicateObjectRule: ScopeRule {
    static let id = CheckRule.duplicateObject
    static let severity = RuleSeverity.error
    static let summary = "nothing applied twice with different content"

    static func check(_ scope: EnvironmentScope, _ declared: Declarations) -> [CheckFinding] {
        let name = scope.environment.name
        // A top-level `sops` block is SOPS's metadata: kustomize-controller decrypts the document and
        // applies it without (and no Kubernetes object has such a field).
        func content(_ object: KubernetesObject) -> String {
            object.root.removing(["metadata", "labels"]).removing(["metadata", "annotations"]).removing(["sops"])
                .yamlText()
        }
        func by(_ index: Int) -> String {
            scope.appliedBy[index].map {
                $0 == .entry ? " (applied by \(name)'s entry)" : " (applied by Kustomization \($0))"
            } ?? ""
        }
        // A Kustomization with spec.kubeConfig applies to another cluster: what it applies is that
        // cluster's, and the same identity there is another object.
        var cluster: [KustomizationID: String] = [:]
        for kustomization in scope.objects.compactMap(FluxKustomization.init) {
            if let remote = kustomization.remoteCluster {
                cluster[KustomizationID(kustomization.object)] = "kubeConfig \(remote)"
            }
        }
        var findings: [CheckFinding] = []
        var first: [String: (Int, KubernetesObject)] = [:]
        for (index, object) in scope.objects.enumerated().sorted(by: { $0.1.location < $1.1.location }) {
            guard let objectName = object.name, object.group != KustomizeFile.group else { continue }
            let target = scope.appliedBy[index].flatMap { cluster[$0] } ?? ""
            let key = "\(target)\u{0}\(object.group)/\(object.kind)/\(object.effectiveNamespace)/\(objectName)"
            if let (earlierIndex, earlier) = first[key] {
                guard content(earlier) != content(object) else { continue }
                findings.append(
                    CheckFinding(
                        id, .error, at: object.location,
                        "\(object.apiVersion) \(object.displayName) is applied twice in \(name) with different content: here\(by(index)) and at \(earlier.location)\(by(earlierIndex))",
                        hint:
                            "keep one of them; two Kustomizations applying different content undo each other on every reconciliation"
                    ))
            } else {
                first[key] = (index, object)
            }
        }
        return findings
    }
}
