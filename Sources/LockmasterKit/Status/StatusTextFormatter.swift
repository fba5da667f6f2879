import Foundation
import Platform

/// Renders a `StatusReport` for a terminal: one block per environment.
public enum StatusTextFormatter {
    public static func format(_ report: StatusReport) -> String {
        if let explanation = report.explanation {
            return explanation + (report.hint.map { "\nhint: \($0)" } ?? "") + "\n"
        }
        var lines: [String] = []
        let resolved = report.environments.contains { $0.runs != nil }
        let rows = report.environments.map { environment -> [String] in
            let ref = environment.ref.map { value in
                let field = environment.refField.map { "\($0) " } ?? ""
                return field + value + (environment.semverFilter.map { " (filter \($0))" } ?? "")
            } ?? "-"
            let source = environment.source.map { "\($0.kind)/\($0.name)" } ?? environment.instance.map { "\($0.kind) (operator)" } ?? "-"
            var row = [environment.name, environment.kind.rawValue, source, ref]
            if resolved { row += [runs(environment.runs), environment.behind ?? "-"] }
            return row + [environment.source?.url ?? environment.instance?.url ?? "-"]
        }
        let header = ["ENVIRONMENT", "KIND", "SOURCE", "REF"] + (resolved ? ["RUNS", "BEHIND"] : []) + ["URL"]
        lines += TextTable.render(header: header, rows: rows)
        for environment in report.environments {
            lines.append("")
            lines.append("\(environment.name) (\(environment.directory))")
            if let reason = environment.reason { lines.append("  note: \(reason)") }
            if let entry = environment.entry {
                lines.append("  entry: Kustomization \(entry.namespace)/\(entry.name) path \(entry.path)")
            } else if let instance = environment.instance {
                let declared = instance.declaredBy == "FluxInstance" ? "FluxInstance \(instance.name)" : "FluxInstance of HelmRelease \(instance.name) (flux-instance chart)"
                lines.append("  entry: \(declared) at \(instance.location) syncs \(instance.kind) \(instance.url ?? "-")"
                             + (instance.ref.map { " ref \($0)" } ?? "") + (instance.path.map { " path \($0)" } ?? ""))
            } else {
                lines.append(environment.syncFile == "placeholder"
                             ? "  entry: not bootstrapped (\(environment.directory)/flux-system/gotk-sync.yaml is a placeholder that flux bootstrap replaces)"
                             : "  entry: not bootstrapped (no \(environment.directory)/flux-system/gotk-sync.yaml)")
            }
            for kustomization in environment.kustomizations {
                let depends = kustomization.dependsOn.isEmpty ? "" : "  dependsOn " + kustomization.dependsOn.joined(separator: ", ")
                lines.append("  Kustomization \(kustomization.namespace)/\(kustomization.name)  \(kustomization.path)\(depends)")
            }
            if let runs = environment.runs {
                if let error = runs.error { lines.append("  runs: unknown: \(error)") }
                if let revision = runs.revision { lines.append("  runs: \(revision)" + (runs.sourceRevision.map { " (from \($0))" } ?? "")) }
            }
            if let live = environment.live {
                if let error = live.error {
                    lines.append("  live (\(live.context)): unreachable: \(error)")
                } else {
                    let verdict = live.matches.map { $0 ? "applies the expected revision" : "NOT at the expected revision" } ?? "no expectation"
                    lines.append("  live (\(live.context)): \(verdict)")
                    for object in live.objects {
                        let ready = object.ready.map { $0 ? "Ready" : "NotReady" } ?? "Unknown"
                        let suspended = object.suspended ? " suspended" : ""
                        lines.append("    \(object.kind) \(object.namespace)/\(object.name)  \(ready)\(suspended)  \(object.revision ?? "-")"
                                     + (object.matches == false ? "  (expected other)" : ""))
                    }
                }
            }
        }
        if let branch = report.branch, let source = report.branchSource, source != "lockmaster.yaml", branch != "main" {
            lines.append("")
            lines.append("branch of record: \(branch) (\(source)); set branch in lockmaster.yaml to name another")
        }
        if !report.notEnvironments.isEmpty {
            lines.append("")
            lines.append("not environments (nothing syncs them and they hold no Flux Kustomization): " + report.notEnvironments.joined(separator: ", "))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension StatusTextFormatter {
    static func runs(_ runs: StatusReport.Runs?) -> String {
        guard let runs else { return "-" }
        if runs.error != nil { return "unknown" }
        if let tag = runs.tag, let digest = runs.digest { return "\(tag) \(digest.prefix(19))" }
        if let branch = runs.branch, let commit = runs.commit { return "\(branch)@\(commit.prefix(7))" }
        return "-"
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
