import Artifacts
import Foundation
import Platform
import Support

/// How one rule applied to this check: its severity, and whether the base's lockmaster.yaml set it.
public struct RuleState: Sendable, Codable, Equatable {
    public var rule: CheckRule
    /// `error`, `warning`, `error or warning` (decided per finding), or `off`.
    public var severity: String
    /// `default`, or `lockmaster.yaml` when `check.rules` sets it.
    public var source: String

    public init(rule: CheckRule, severity: String, source: String) {
        self.rule = rule
        self.severity = severity
        self.source = source
    }
}

/// The base's `check.rules` and `check.exclude` over the findings: a rule turned off reports nothing, a
/// rule made a warning or an error has that severity, and an excluded path reports nothing for its rule.
/// Pure: what was left out is counted, so the report can say so.
struct RuleTuning {
    let settings: LockmasterSettings.Check

    /// Every rule, in `check --help` order, as it applies here.
    var states: [RuleState] {
        CheckRules.all.map { rule in
            if let set = settings.rules[rule.id.rawValue] {
                return RuleState(rule: rule.id, severity: set, source: LockmasterSettings.fileName)
            }
            return RuleState(rule: rule.id, severity: rule.severity.rawValue, source: "default")
        }
    }

    /// The findings as tuned, and a note for each rule that left some out.
    func apply(_ findings: [CheckFinding]) -> (findings: [CheckFinding], notes: [String]) {
        var kept: [CheckFinding] = []
        var off: [CheckRule: Int] = [:]
        var excluded: [CheckRule: Int] = [:]
        for var finding in findings {
            let rule = finding.rule.rawValue
            switch settings.rules[rule] {
            case "off":
                off[finding.rule, default: 0] += 1
                continue
            case "warning": finding.severity = .warning
            case "error": finding.severity = .error
            default: break
            }
            if let patterns = settings.exclude[rule], Self.matches(finding.location.path, patterns) {
                excluded[finding.rule, default: 0] += 1
                continue
            }
            kept.append(finding)
        }
        let notes =
            off.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                "\($0.value) finding\($0.value == 1 ? "" : "s") of [\($0.key.rawValue)] not reported: the rule is off (check.rules in lockmaster.yaml)"
            }
            + excluded.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                "\($0.value) finding\($0.value == 1 ? "" : "s") of [\($0.key.rawValue)] not reported: excluded paths (check.exclude in lockmaster.yaml)"
            }
        return (kept, notes)
    }

    /// gitignore-style patterns, the last that matches deciding (`!` re-includes).
    static func matches(_ path: String, _ patterns: [String]) -> Bool {
        IgnoreMatcher(patterns.map { IgnorePattern($0) }).isExcluded(
            path.split(separator: "/").map(String.init), isDirectory: false)
    }
}
