import Foundation
import Platform

/// One merge-guard rule: its id, how severe its findings are, what it checks in a few words, and the
/// check itself over what the merge guard read (`CheckInput`). Each rule is a type in this directory;
/// MergeGuard runs `CheckRules.all` and `check --help` lists it, so a new rule is one type and one line.
protocol Rule: Sendable {
    static var id: CheckRule { get }
    static var severity: RuleSeverity { get }
    /// What it checks, in a few words (a line of `check --help`).
    static var summary: String { get }
    /// Its findings; `notes` takes what a reader should know though nothing is wrong.
    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding]
}

/// A rule over the repository's environments as their files declare them.
protocol RepositoryRule: Rule {
    static func check(_ repository: PlatformRepository) -> [CheckFinding]
}

extension RepositoryRule {
    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] { check(input.repository) }
}

/// A rule over one environment as Flux applies it, with what it and the environments sharing its
/// cluster declare; run for every environment.
protocol ScopeRule: Rule {
    static func check(_ scope: EnvironmentScope, _ declared: Declarations) -> [CheckFinding]
}

extension ScopeRule {
    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        input.scopes.flatMap { check($0.scope, $0.declared) }
    }
}

/// The severity a rule's findings have.
enum RuleSeverity: String, Sendable {
    case error, warning
    /// Decided per finding (removed APIs are errors, deprecated ones warnings).
    case errorOrWarning = "error or warning"
}

/// Every rule, in the order `check --help` lists them.
public enum CheckRules {
    static let all: [any Rule.Type] = [
        SettingsChangedRule.self, SyncFileChangedRule.self, EnvironmentRemovedRule.self, SourceIgnoreChangedRule.self,
        SandboxInMainRule.self, SandboxExpiredRule.self,
        DevelopmentTracksMainRule.self,
        StagingPatchRangeRule.self, ProductionPinnedRule.self, UnverifiedSourceRule.self, DanglingSourceRefRule.self,
        DanglingDependsOnRule.self, DependsOnCycleRule.self, DuplicateObjectRule.self,
        BuildFailedRule.self, NotRenderedRule.self, UnpinnedChartRule.self,
        DeprecatedAPIRule.self, ParseErrorRule.self, SymlinkRule.self,
    ]

    /// `id  summary (severity)`, one line per rule, the summary wrapped under its column.
    public static var help: String {
        HelpList.render(all.map { ($0.id.rawValue, "\($0.summary) (\($0.severity.rawValue))") })
    }
}
