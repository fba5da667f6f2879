import Artifacts
import Manifests
import Platform
import Support

/// `unpinned-chart`: an environment that tracks a range or is pinned must get the same chart every
/// time, so a HelmRelease's chart version is exact.
enum UnpinnedChartRule: ScopeRule {
    static let id = CheckRule.unpinnedChart
    static let severity = RuleSeverity.warning
    static let summary = "exact chart versions after development"

    static func check(_ scope: EnvironmentScope, _ declared: Declarations) -> [CheckFinding] {
        // A branch-tracking environment may follow a range: it is meant to get what is newest.
        guard [.tracksRange, .pinned].contains(scope.environment.classification.kind) else { return [] }
        return scope.objects.compactMap(HelmRelease.init).compactMap { release in
            guard let chart = release.chart else { return nil }
            let object = release.object
            guard let version = chart.version else {
                return CheckFinding(
                    id, .warning, at: scope.location(object, ["spec", "chart", "spec"]),
                    "\(object.displayName) has no chart version, so environments that track a range or are pinned get whatever is newest",
                    hint: "set spec.chart.spec.version to an exact version")
            }
            guard SemanticVersion.flux(version) == nil || version.contains(where: { "*xX^~><=|, ".contains($0) }) else {
                return nil
            }
            return CheckFinding(
                id, .warning, at: scope.location(object, ["spec", "chart", "spec", "version"]),
                "\(object.displayName) asks for chart version \"\(version)\", a range, where versions must be exact (an environment that tracks a range or is pinned uses it)",
                hint: "pin an exact version such as 1.2.3; ranges belong to branch-tracking environments")
        }
    }
}
