import Manifests
import Platform
import Support

/// Where a finding about an environment's role points: its source's `spec.ref`, else its Flux Operator
/// instance's `spec.sync.ref`, else its entry or first object; the directory only when it holds nothing.
func roleLocation(_ environment: PlatformEnvironment) -> SourceLocation {
    if let source = environment.source?.object { return source.location(of: ["spec", "ref"]) }
    if let instance = environment.instance { return instance.object.location(of: instance.syncPath("ref")) }
    return environment.entry?.object.location ?? environment.objects.first?.location
        ?? SourceLocation(path: environment.directory)
}

/// `development-tracks-main`: the first environment of the promotion order tracks the branch of record.
enum DevelopmentTracksMainRule: RepositoryRule {
    static let id = CheckRule.developmentTracksMain
    static let severity = RuleSeverity.error
    static let summary = "development's source tracks main"

    static func check(_ repository: PlatformRepository) -> [CheckFinding] {
        let branch = repository.settings.branch
        guard let name = repository.settings.environments.first, let development = repository.environment(named: name)
        else { return [] }
        let classification = development.classification
        guard classification.kind != .tracksBranch || classification.ref != branch else { return [] }
        return [
            CheckFinding(
                id, .error, at: roleLocation(development),
                "\(development.name) must track branch \(branch); it is \(([classification.kind.rawValue] + [classification.ref].compactMap { $0 }).joined(separator: " "))",
                hint: "set its platform GitRepository's spec.ref.branch to \(branch)")
        ]
    }
}

/// `production-pinned`: the third environment is pinned to one tag or digest.
enum ProductionPinnedRule: RepositoryRule {
    static let id = CheckRule.productionPinned
    static let severity = RuleSeverity.error
    static let summary = "production pinned to a tag or digest"

    static func check(_ repository: PlatformRepository) -> [CheckFinding] {
        let order = repository.settings.environments
        guard order.count > 2, let production = repository.environment(named: order[2]) else { return [] }
        let kind = production.classification.kind
        guard kind == .tracksRange || kind == .tracksBranch else { return [] }
        return [
            CheckFinding(
                id, .error, at: roleLocation(production),
                "\(production.name) must be pinned to one exact tag or digest; it \(kind == .tracksRange ? "tracks the range" : "tracks branch") \(production.classification.ref ?? "")",
                hint:
                    "set spec.ref.tag to the version staging ran (lockmaster resolve staging), and remove spec.ref.semver"
            )
        ]
    }
}
