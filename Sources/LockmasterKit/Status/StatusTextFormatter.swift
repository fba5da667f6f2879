import Foundation

/// Renders a `StatusReport` for a terminal: one block per environment.
public enum StatusTextFormatter {
    public static func format(_ report: StatusReport) -> String {
        if let explanation = report.explanation {
            return explanation + (report.hint.map { "\nhint: \($0)" } ?? "") + "\n"
        }
        var lines: [String] = []
        let rows = report.environments.map { environment -> [String] in
            let ref = environment.ref.map { value in
                let field = environment.refField.map { "\($0) " } ?? ""
                return field + value + (environment.semverFilter.map { " (filter \($0))" } ?? "")
            } ?? "-"
            let source = environment.source.map { "\($0.kind)/\($0.name)" } ?? "-"
            return [environment.name, environment.kind, source, ref, environment.source?.url ?? "-"]
        }
        lines += TextTable.render(header: ["ENVIRONMENT", "KIND", "SOURCE", "REF", "URL"], rows: rows)
        for environment in report.environments {
            lines.append("")
            lines.append("\(environment.name) (\(environment.directory))")
            if let reason = environment.reason { lines.append("  note: \(reason)") }
            if let entry = environment.entry {
                lines.append("  entry: Kustomization \(entry.namespace)/\(entry.name) path \(entry.path)")
            } else {
                lines.append("  entry: not bootstrapped (no \(environment.directory)/flux-system/gotk-sync.yaml)")
            }
            for kustomization in environment.kustomizations {
                let depends = kustomization.dependsOn.isEmpty ? "" : "  dependsOn " + kustomization.dependsOn.joined(separator: ", ")
                lines.append("  Kustomization \(kustomization.namespace)/\(kustomization.name)  \(kustomization.path)\(depends)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Left-aligned columns separated by two spaces, as kubectl prints them.
public enum TextTable {
    public static func render(header: [String], rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
