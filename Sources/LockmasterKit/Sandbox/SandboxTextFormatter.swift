public import Foundation
public import Support

/// Renders sandbox results for a terminal.
public enum SandboxTextFormatter {
    public static func format(_ report: SandboxCreateReport) -> String {
        var lines = [
            "created sandbox \(report.name): branch \(report.branch) from \(report.base), \(report.directory) from \(report.from)"
        ]
        if let commit = report.commit {
            lines.append("committed \(commit.prefix(12))")
        } else if !report.files.isEmpty {
            lines.append("staged, not committed")
        }
        if !report.nextSteps.isEmpty {
            lines.append("")
            lines.append("next steps:")
            lines += report.nextSteps.enumerated().map { "  \($0.offset + 1). \($0.element)" }
        } else if !report.hooks.isEmpty {
            lines.append("ran \(report.hooks.count) sandbox.create hook\(report.hooks.count == 1 ? "" : "s")")
        }
        if let lease = report.lease {
            lines.insert(
                "lease: \(lease.owner) until \(LeaseTime.format(lease.expires)) (\(report.directory)/\(Sandbox.leaseFileName))",
                at: 1)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func format(_ report: SandboxExtendReport) -> String {
        "extended sandbox \(report.name): \(report.lease.owner)'s lease runs until \(LeaseTime.format(report.lease.expires)); committed \(report.commit.prefix(12)) on \(report.branch)\n"
    }

    /// Each candidate with why it is collected and its teardown plan, then what was torn down.
    public static func format(_ report: SandboxGCReport) -> String {
        guard !report.candidates.isEmpty else {
            return "no sandbox to collect: none expired (at \(report.now)) or merged\n"
        }
        var out = ""
        for candidate in report.candidates {
            out +=
                "sandbox \(candidate.name) (\(candidate.lease.map { "owner \($0.owner)" } ?? "no lease")): \(candidate.reasons.joined(separator: "; "))\n"
            if let plan = candidate.plan {
                out += TeardownFormatter.format(plan).split(separator: "\n").map { "  \($0)\n" }.joined()
            } else if let error = candidate.planError {
                out += "  no plan: \(error)\n"
            }
            if candidate.tornDown { out += "  torn down\n" }
            out += "\n"
        }
        return out
    }

    public static func format(_ sandboxes: [SandboxInfo], now: Date = Date()) -> String {
        styled(sandboxes, now: now).plain
    }

    /// The table, an expired lease marked.
    public static func styled(_ sandboxes: [SandboxInfo], now: Date) -> StyledText {
        guard !sandboxes.isEmpty else { return "no sandboxes on any branch\n" }
        let live = sandboxes.contains { $0.live != nil }
        let rows = sandboxes.map { sandbox -> [StyledText] in
            let created = sandbox.lease?.created ?? LeaseTime.parse(sandbox.created) ?? now
            let expires: StyledText =
                sandbox.lease.map { lease in
                    sandbox.expired
                        ? StyledText("expired \(TimeSpan.describe(now.timeIntervalSince(lease.expires))) ago", .error)
                        : StyledText("in \(TimeSpan.describe(lease.expires.timeIntervalSince(now)))")
                } ?? (sandbox.leaseError == nil ? "no lease" : StyledText("malformed lease", .failed))
            var row: [StyledText] = [
                StyledText(sandbox.name), StyledText(sandbox.lease?.owner ?? "-"),
                StyledText(TimeSpan.describe(now.timeIntervalSince(created))), expires,
                StyledText("\(sandbox.ahead)/\(sandbox.behind)"), StyledText(sandbox.merged ? "yes" : "no"),
            ]
            if live {
                row.append(
                    sandbox.live.map { $0 ? StyledText("answers", .success) : StyledText("unreachable", .failed) }
                        ?? "no context")
            }
            return row + [StyledText(sandbox.branch)]
        }
        let header =
            ["NAME", "OWNER", "AGE", "EXPIRES", "AHEAD/BEHIND", "MERGED"] + (live ? ["CLUSTER"] : []) + ["BRANCH"]
        return StyledText.joined(TextTable.render(header: header.map { StyledText($0) }, rows: rows)) + "\n"
    }
}
