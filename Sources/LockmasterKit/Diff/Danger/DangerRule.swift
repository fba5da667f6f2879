import Foundation

/// How much a danger finding can hurt; `diff --fail-on` compares against it.
public enum DangerSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case low, medium, high

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: DangerSeverity, rhs: DangerSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// The review's rules: what in a change Kubernetes or Flux will not do quietly. Each has its id (as
/// `# lockmaster:ignore=` names it), its severity, and why it is dangerous.
public enum DangerRule: String, Sendable, Codable, CaseIterable {
    case immutableSelector = "immutable-selector"
    case immutableStatefulSet = "immutable-statefulset"
    case immutableServiceIP = "immutable-service-ip"
    case immutableJobTemplate = "immutable-job-template"
    case immutableClaim = "immutable-claim"
    case deletesNamespace = "deletes-namespace"
    case deletesCRD = "deletes-crd"
    case deletesVolume = "deletes-volume"
    case deletesPruningKustomization = "deletes-pruning-kustomization"
    case deletesHelmRelease = "deletes-helmrelease"
    case pruneEnabled = "prune-enabled"
    case suspendChanged = "suspend-changed"
    case deletionPolicyChanged = "deletion-policy-changed"
    case inventoryReplaced = "inventory-replaced"
    case releaseIdentityChanged = "release-identity-changed"
    case remediationDisabled = "remediation-disabled"
    case bindsClusterAdmin = "binds-cluster-admin"
    case wildcardRBAC = "wildcard-rbac"
    case roleWidened = "role-widened"
    case majorUpgrade = "major-upgrade"
    case downgrade = "downgrade"

    public var severity: DangerSeverity {
        switch self {
        case .immutableSelector, .immutableStatefulSet, .immutableServiceIP, .immutableJobTemplate, .immutableClaim,
            .deletesNamespace,
            .deletesCRD, .deletesVolume, .deletesPruningKustomization, .deletesHelmRelease, .inventoryReplaced,
            .releaseIdentityChanged,
            .bindsClusterAdmin, .wildcardRBAC, .downgrade:
            .high
        case .pruneEnabled, .suspendChanged, .roleWidened, .majorUpgrade:
            .medium
        case .deletionPolicyChanged, .remediationDisabled:
            .low
        }
    }

    /// Why a finding of this rule is dangerous: what Kubernetes or Flux does with the change.
    public var why: String {
        switch self {
        case .immutableSelector:
            "Kubernetes refuses to change a workload's spec.selector: the apply fails and Flux stops applying the rest of the Kustomization until the object is recreated"
        case .immutableStatefulSet:
            "a StatefulSet's volumeClaimTemplates and serviceName cannot change: the apply fails until the StatefulSet is recreated"
        case .immutableServiceIP:
            "a Service's clusterIP cannot change (ClusterIP to headless included): the apply fails, and recreating the Service changes its address"
        case .immutableJobTemplate:
            "a Job's spec.template cannot change: the apply fails until the Job is deleted"
        case .immutableClaim:
            "a PersistentVolumeClaim's storageClassName and accessModes cannot change and its storage cannot shrink: the apply fails"
        case .deletesNamespace:
            "deleting a Namespace deletes every object in it, whoever applied them"
        case .deletesCRD:
            "deleting a CustomResourceDefinition deletes every custom resource of it in the cluster"
        case .deletesVolume:
            "deleting a claim or volume can delete its data (reclaim policy Delete)"
        case .deletesPruningKustomization:
            "a Kustomization with prune: true that is removed deletes everything it applied (unless its deletionPolicy is Orphan)"
        case .deletesHelmRelease:
            "removing a HelmRelease uninstalls the release: every object of its chart is deleted"
        case .pruneEnabled:
            "with prune: true, objects the Kustomization applied before and no longer declares are deleted at the next reconciliation"
        case .suspendChanged:
            "suspending stops reconciliation (drift is no longer corrected); resuming applies every change made meanwhile at once"
        case .deletionPolicyChanged:
            "the deletion policy decides whether removing the object deletes what it applied (Delete) or leaves it (Orphan)"
        case .inventoryReplaced:
            "a new targetNamespace, path or sourceRef gives the Kustomization a new inventory: with prune, what it applied before and does not apply now is deleted"
        case .releaseIdentityChanged:
            "a new release name, target namespace or storage namespace makes Helm install a second release beside the old one, which is uninstalled or left behind"
        case .remediationDisabled:
            "without remediation a failed install or upgrade stays failed: no retry, no rollback"
        case .bindsClusterAdmin:
            "a binding to cluster-admin gives its subjects every permission in the cluster"
        case .wildcardRBAC:
            "a '*' in verbs or resources grants what exists now and everything added later"
        case .roleWidened:
            "the role grants permissions it did not grant before"
        case .majorUpgrade:
            "a major version may break compatibility: read its upgrade notes"
        case .downgrade:
            "going to a lower version is not what charts and images are tested for (schema migrations, CRDs, stored state)"
        }
    }
}

/// The review's rules as `diff --help` lists them.
public enum DangerRules {
    /// `id  severity  why`, one line per rule, the text wrapped under its column.
    public static var help: String {
        let rules = DangerReview.checks.flatMap { $0.rules }
        let width = rules.map(\.rawValue.count).max() ?? 0
        return rules.map { rule in
            rule.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + rule.severity.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
        }.joined(separator: "\n")
    }
}
