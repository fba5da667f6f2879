import Manifests
import Platform
import Support

/// `environment-removed`: the change leaves a cluster's directory no environment (deleted, replaced by a
/// file, or emptied of what syncs it). Deleted, Flux there fails with `kustomization path not found` and
/// stops applying this repository, pruning nothing (FLUX.md §5.4); left, Flux applies what is left and
/// prunes the rest. A cluster is retired by tearing it down first. Sandboxes are exempt, since removing a
/// sandbox directory is how `sandbox-in-main` is fixed.
enum EnvironmentRemovedRule: Rule {
    static let id = CheckRule.environmentRemoved
    static let severity = RuleSeverity.error
    static let summary = "a cluster's directory deleted or emptied"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        check(input.change)
    }

    static func check(_ change: ChangeContext) -> [CheckFinding] {
        change.removedEnvironments.filter { !$0.name.hasPrefix("sandbox-") }.map { removed in
            CheckFinding(
                id, .error, at: removed.location,
                "\(removed.directory) is no environment after this change (\(removed.object) was declared here): Flux in that cluster either fails with 'kustomization path not found' and stops applying this repository, or applies what is left and prunes the rest",
                hint:
                    "retire a cluster by tearing it down first; to keep it, restore the directory (git checkout \(String(change.base.prefix(12))) -- \(removed.directory))"
            )
        }
    }
}
