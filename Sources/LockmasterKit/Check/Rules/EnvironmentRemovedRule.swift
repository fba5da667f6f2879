import Manifests
import Platform
import Support

/// `environment-removed`: the change deletes a directory that held a cluster's Flux entry at the base.
/// Flux there fails with `kustomization path not found` and stops applying this repository, pruning
/// nothing (FLUX.md §5.4): a cluster is retired by tearing it down first. Sandboxes are exempt, since
/// removing a sandbox directory is how `sandbox-in-main` is fixed.
enum EnvironmentRemovedRule: Rule {
    static let id = CheckRule.environmentRemoved
    static let severity = RuleSeverity.error
    static let summary = "a cluster's directory deleted"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        check(input.change)
    }

    static func check(_ change: ChangeContext) -> [CheckFinding] {
        change.removedEnvironments.filter { !$0.name.hasPrefix("sandbox-") }.map { removed in
            CheckFinding(
                id, .error, at: removed.location,
                "\(removed.directory) is deleted, with \(removed.object) declared here: Flux in that cluster fails with 'kustomization path not found' and stops applying this repository (it prunes nothing)",
                hint:
                    "retire a cluster by tearing it down first; to keep it, restore the directory (git checkout \(String(change.base.prefix(12))) -- \(removed.directory))"
            )
        }
    }
}
