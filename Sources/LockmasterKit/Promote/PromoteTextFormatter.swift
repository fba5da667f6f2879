import Manifests

/// Renders promotions and history for a terminal.
public enum PromoteTextFormatter {
    public static func format(_ report: PromoteReport, rollback: Bool = false) -> String {
        var lines = [
            "\(rollback ? "rolled back" : "promoted") \(report.environment): \(report.from ?? "nothing") → \(report.to)",
            "  digest    \(report.fromDigest ?? "-") → \(report.toDigest)",
        ]
        if let revision = report.sourceRevision { lines.append("  revision  \(revision)") }
        if let signature = report.signature { lines.append("  signature \(SignatureText.summary(signature))") }
        lines.append("  commit    \(report.commit.prefix(12)) on \(report.branch) (\(report.file))")
        if report.forced, let reason = report.reason { lines.append("  forced    \(reason)") }
        lines.append(
            report.changes.isEmpty ? "  no platform service changes" : "  \(rollback ? "reverts" : "changes"):")
        lines += report.changes.map { "    " + ServiceDiff.describe($0) }
        if report.branch.hasPrefix("promote/") || report.branch.hasPrefix("rollback/") {
            lines.append("next: git push -u origin \(report.branch), and open a pull request")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func format(_ history: [PinChange]) -> String {
        guard !history.isEmpty else { return "no pins or ranges in git history\n" }
        let rows = history.map { change in
            [
                change.environment, change.date, String(change.commit.prefix(12)), change.author,
                "\(change.field) \(change.from ?? "-") → \(change.to)",
                change.digest.map { String($0.prefix(19)) } ?? "-",
                change.sourceRevision ?? change.note ?? "-",
            ]
        }
        return TextTable.render(
            header: ["ENVIRONMENT", "DATE", "COMMIT", "AUTHOR", "CHANGE", "DIGEST", "SOURCE"], rows: rows
        )
        .joined(separator: "\n") + "\n"
    }
}
