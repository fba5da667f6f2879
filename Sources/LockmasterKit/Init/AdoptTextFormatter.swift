import Support

/// `init --adopt` for people: what was found, then the file written.
public enum AdoptTextFormatter {
    public static func format(_ report: AdoptReport) -> String {
        var lines = [
            "wrote \(report.file): clustersDir \(report.clustersDir), platformPaths \(report.platformPaths.joined(separator: ", ")), branch \(report.branch)"
        ]
        lines.append("")
        let rows = report.environments.map { [$0.name, $0.role ?? "-", $0.kind, $0.ref ?? "-", $0.syncedBy] }
        lines += TextTable.render(header: ["ENVIRONMENT", "ROLE", "KIND", "REF", "SYNCED BY"], rows: rows)
        lines.append("")
        lines += report.reasons.map { "found: \($0)" }
        lines.append("")
        lines.append("next: lockmaster status, then lockmaster check")
        return lines.map(Inert.line).joined(separator: "\n") + "\n"
    }
}
