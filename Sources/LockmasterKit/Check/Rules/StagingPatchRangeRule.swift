import Artifacts
import Manifests
import Platform
import Support

/// `staging-patch-range`: the second environment tracks a semver range that admits only patch releases.
enum StagingPatchRangeRule: RepositoryRule {
    static let id = CheckRule.stagingPatchRange
    static let severity = RuleSeverity.warning
    static let summary = "staging's range admits only patches"

    static func check(_ repository: PlatformRepository) -> [CheckFinding] {
        let order = repository.settings.environments
        guard order.count > 1, let staging = repository.environment(named: order[1]) else { return [] }
        let classification = staging.classification
        if classification.kind != .tracksRange || classification.refField != .semver {
            return [
                CheckFinding(
                    id, .warning, at: roleLocation(staging),
                    "\(staging.name) should track a semver range of patch releases; it is \(classification.kind.rawValue)",
                    hint: "set its OCIRepository's spec.ref.semver to a patch range such as ~1.4.0")
            ]
        }
        guard let text = classification.ref, let range = try? SemverRange(text),
            let wider = admitsMoreThanPatches(range)
        else { return [] }
        return [
            CheckFinding(
                id, .warning, at: roleLocation(staging),
                "\(staging.name)'s range \"\(text)\" admits \(wider), not only patch releases",
                hint:
                    "use a patch range such as ~\(wider.split(separator: " ").last.map(String.init) ?? "1.4.0") or 1.4.x"
            )
        ]
    }

    /// A description of a minor or major release the range admits, or nil for a patch-only range.
    static func admitsMoreThanPatches(_ range: SemverRange) -> String? {
        guard let lowest = try? NextVersion.inRange(range, tags: []) else { return nil }
        let minor = SemanticVersion(major: lowest.major, minor: lowest.minor + 1, patch: 0)
        let major = SemanticVersion(major: lowest.major + 1, minor: 0, patch: 0)
        if range.contains(major) { return "a new major version \(major.normalized)" }
        if range.contains(minor) { return "a new minor version \(minor.normalized)" }
        return nil
    }
}
