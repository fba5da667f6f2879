import Foundation

/// One merge-guard rule: its id, how severe its findings are, and what it checks. Each rule is a type
/// in this directory with a `check` over what it reads (the change, the repository, an environment as
/// Flux applies it); `check --help` and docs/commands.md list them from here.
protocol Rule {
    static var id: CheckRule { get }
    static var severity: RuleSeverity { get }
    /// What it checks, in a few words (a line of `check --help`).
    static var summary: String { get }
}

/// The severity a rule's findings have.
enum RuleSeverity: String, Sendable {
    case error, warning
    /// Decided per finding (removed APIs are errors, deprecated ones warnings).
    case errorOrWarning = "error or warning"
}

/// What `check --help` says of one rule, read from its type.
struct RuleInfo: Sendable {
    var id: CheckRule
    var severity: RuleSeverity
    var summary: String

    init<R: Rule>(_ rule: R.Type) {
        id = R.id
        severity = R.severity
        summary = R.summary
    }
}

/// Every rule, in the order `check --help` lists them.
public enum CheckRules {
    static let all: [RuleInfo] = [
        RuleInfo(SettingsChangedRule.self), RuleInfo(SyncFileChangedRule.self), RuleInfo(SandboxInMainRule.self), RuleInfo(SandboxExpiredRule.self), RuleInfo(DevelopmentTracksMainRule.self),
        RuleInfo(StagingPatchRangeRule.self), RuleInfo(ProductionPinnedRule.self), RuleInfo(UnverifiedSourceRule.self), RuleInfo(DanglingSourceRefRule.self),
        RuleInfo(DanglingDependsOnRule.self), RuleInfo(DependsOnCycleRule.self), RuleInfo(DuplicateObjectRule.self),
        RuleInfo(BuildFailedRule.self), RuleInfo(NotRenderedRule.self), RuleInfo(UnpinnedChartRule.self),
        RuleInfo(DeprecatedAPIRule.self), RuleInfo(ParseErrorRule.self), RuleInfo(SymlinkRule.self),
    ]

    /// `id  summary (severity)`, one line per rule, the summary wrapped under its column.
    public static var help: String {
        let width = all.map { $0.id.rawValue.count }.max() ?? 0
        return all.map { rule in
            let lines = wrap("\(rule.summary) (\(rule.severity.rawValue))", width: 52)
            return lines.enumerated().map { index, line in
                (index == 0 ? rule.id.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) : String(repeating: " ", count: width)) + "  " + line
            }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        return lines + (current.isEmpty ? [] : [current])
    }
}
