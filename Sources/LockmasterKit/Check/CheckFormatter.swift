import Support

/// Renders `check` findings: compiler-style text, or GitHub Actions workflow commands.
public enum CheckFormatter {
    public static func text(_ report: CheckReport) -> String {
        var lines = report.findings.map { finding in
            "\(finding.location): \(finding.severity.rawValue): \(finding.message) [\(finding.rule.rawValue)]"
                + (finding.hint.map { "\n    fix: \($0)" } ?? "")
        }
        for finding in report.silenced {
            lines.append("\(finding.location): silenced: \(finding.message) [\(finding.rule.rawValue)]")
        }
        lines += report.notes.map { "note: \($0)" }
        let summary = report.findings.isEmpty
            ? "check passed" + (report.silenced.isEmpty ? "" : " (\(report.silenced.count) silenced)")
            : "\(report.errors) error\(report.errors == 1 ? "" : "s"), \(report.warnings) warning\(report.warnings == 1 ? "" : "s")"
                + (report.silenced.isEmpty ? "" : ", \(report.silenced.count) silenced")
        return (lines + [summary]).joined(separator: "\n") + "\n"
    }

    /// `::error file=…,line=…,col=…,title=…::message` lines for GitHub Actions annotations.
    public static func github(_ report: CheckReport) -> String {
        report.findings.map { finding in
            let command = finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "notice"
            let message = finding.message + (finding.hint.map { "\nfix: \($0)" } ?? "")
            return "::\(command) file=\(property(finding.location.path)),line=\(finding.location.line),col=\(finding.location.column),"
                + "title=\(property(finding.rule.rawValue))::\(data(message))"
        }.joined(separator: "\n") + (report.findings.isEmpty ? "" : "\n")
    }

    private static func data(_ text: String) -> String {
        text.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }

    private static func property(_ text: String) -> String {
        data(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }
}
