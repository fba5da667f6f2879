/// Renders sandbox results for a terminal.
public enum SandboxTextFormatter {
    public static func format(_ report: SandboxCreateReport) -> String {
        var lines = ["created sandbox \(report.name): branch \(report.branch) from \(report.base), \(report.directory) from \(report.from)"]
        if let commit = report.commit { lines.append("committed \(commit.prefix(12))") } else if !report.files.isEmpty { lines.append("staged, not committed") }
        if !report.nextSteps.isEmpty {
            lines.append("")
            lines.append("next steps:")
            lines += report.nextSteps.enumerated().map { "  \($0.offset + 1). \($0.element)" }
        } else if !report.hooks.isEmpty {
            lines.append("ran \(report.hooks.count) sandbox.create hook\(report.hooks.count == 1 ? "" : "s")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func format(_ sandboxes: [SandboxInfo]) -> String {
        guard !sandboxes.isEmpty else { return "no sandboxes on any branch\n" }
        let rows = sandboxes.map {
            [$0.name, $0.branch, $0.directory, $0.created, String($0.lastCommit.prefix(12)), "\($0.ahead)/\($0.behind)", $0.merged ? "yes" : "no"]
        }
        return TextTable.render(header: ["NAME", "BRANCH", "DIRECTORY", "CREATED", "LAST COMMIT", "AHEAD/BEHIND", "MERGED"], rows: rows)
            .joined(separator: "\n") + "\n"
    }
}
