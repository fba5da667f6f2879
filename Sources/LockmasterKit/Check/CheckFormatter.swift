import Crypto
import Foundation
public import Support

/// Renders `check` findings: compiler-style text, GitHub Actions workflow commands, or a GitLab Code
/// Quality report.
public enum CheckFormatter {
    public static func text(_ report: CheckReport) -> String {
        styled(report).plain
    }

    /// The text, with each finding's severity and the verdict marked.
    public static func styled(_ report: CheckReport) -> StyledText {
        // One entry per problem: the same finding at several places is printed once, with the others.
        var places: [CheckFinding: [SourceLocation]] = [:]
        var order: [CheckFinding] = []
        for finding in report.findings {
            var key = finding
            key.location = SourceLocation(path: "")
            if places[key] == nil { order.append(key) }
            places[key, default: []].append(finding.location)
        }
        var lines = order.map { finding in
            let at = places[finding] ?? []
            let others = at.dropFirst()
            let also =
                others.isEmpty
                ? ""
                : "\n    also at \(others.count) more place\(others.count == 1 ? "" : "s"): "
                    + others.prefix(3).map(\.description).joined(separator: ", ") + (others.count > 3 ? ", …" : "")
            return StyledText("\(at.first ?? finding.location): ")
                + StyledText(finding.severity.rawValue, finding.severity == .error ? .error : .warning)
                + StyledText(
                    ": \(finding.message) [\(finding.rule.rawValue)]" + (finding.hint.map { "\n    fix: \($0)" } ?? "")
                        + also)
        }
        for finding in report.silenced {
            lines.append(
                StyledText("\(finding.location): ") + StyledText("silenced", .muted)
                    + StyledText(": \(finding.message) [\(finding.rule.rawValue)]"))
        }
        lines += report.notes.map { StyledText("note: \($0)") }
        if let settings = report.settings, let builds = report.builds {
            lines.append(StyledText("settings from \(settings); \(builds)", .muted))
        }
        let summary =
            report.findings.isEmpty
            ? StyledText(
                "check passed" + (report.silenced.isEmpty ? "" : " (\(report.silenced.count) silenced)"), .success)
            : StyledText(
                "\(report.errors) error\(report.errors == 1 ? "" : "s"), \(report.warnings) warning\(report.warnings == 1 ? "" : "s")"
                    + (report.silenced.isEmpty ? "" : ", \(report.silenced.count) silenced"))
        return StyledText.joined(lines + [summary]) + "\n"
    }

    /// `::error file=…,line=…,col=…,title=…::message` lines for GitHub Actions annotations.
    public static func github(_ report: CheckReport) -> String {
        (report.findings.map { finding in
            let command = finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "notice"
            let message = finding.message + (finding.hint.map { "\nfix: \($0)" } ?? "")
            return
                "::\(command) file=\(WorkflowCommand.property(finding.location.path)),line=\(finding.location.line),col=\(finding.location.column),"
                + "title=\(WorkflowCommand.property(finding.rule.rawValue))::\(WorkflowCommand.data(message))"
        }
            + report.silenced.map { finding in
                // Silenced, but never invisible: a notice where the comment is (it may be the change's own).
                "::notice file=\(WorkflowCommand.property(finding.location.path)),line=\(finding.location.line),col=\(finding.location.column),"
                    + "title=\(WorkflowCommand.property(finding.rule.rawValue + " (silenced)"))::"
                    + WorkflowCommand.data(
                        finding.message + "\nsilenced by a # lockmaster:ignore=\(finding.rule.rawValue) comment")
            }).joined(separator: "\n") + (report.findings.isEmpty && report.silenced.isEmpty ? "" : "\n")
    }

    /// GitLab's Code Quality report (docs.gitlab.com, ci/testing/code_quality): a JSON array with one
    /// issue per finding — description, check_name, a fingerprint unique to the finding, severity
    /// (`major` for errors, `minor` for warnings) and location path and line. GitLab shows it in the
    /// merge request when a job names the file under `artifacts:reports:codequality`.
    public static func gitlab(_ report: CheckReport) throws -> String {
        struct Issue: Encodable {
            struct Location: Encodable {
                struct Lines: Encodable { var begin: Int }
                var path: String
                var lines: Lines
            }
            var description: String
            var checkName: String
            var fingerprint: String
            var severity: String
            var location: Location

            private enum CodingKeys: String, CodingKey {
                case description, fingerprint, severity, location
                case checkName = "check_name"
            }
        }
        let issues = report.findings.map { finding in
            let identity = [finding.rule.rawValue, finding.location.description, finding.message].joined(
                separator: "\u{0}")
            let digest = SHA256.hash(data: Data(identity.utf8)).map { String(format: "%02x", $0) }.joined()
            return Issue(
                description: finding.message + (finding.hint.map { " (fix: \($0))" } ?? ""),
                checkName: finding.rule.rawValue,
                fingerprint: String(digest.prefix(32)),
                severity: finding.severity == .error ? "major" : finding.severity == .warning ? "minor" : "info",
                location: .init(path: finding.location.path, lines: .init(begin: finding.location.line)))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(issues), as: UTF8.self) + "\n"
    }
}
