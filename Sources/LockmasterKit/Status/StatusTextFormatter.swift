import Artifacts
import Cluster
import Foundation
import Manifests
import Platform
public import Support

/// Renders a `StatusReport` for a terminal: one block per environment.
public enum StatusTextFormatter {
    public static func format(_ report: StatusReport) -> String {
        styled(report).plain
    }

    /// The text, with what needs attention marked: unknown kinds and runs, environments behind,
    /// unreachable or not-ready clusters; and what is up to date or ready.
    public static func styled(_ report: StatusReport) -> StyledText {
        if let explanation = report.explanation {
            return StyledText(explanation + (report.hint.map { "\nhint: \($0)" } ?? "") + "\n")
        }
        var lines: [StyledText] = []
        let resolved = report.environments.contains { $0.runs != nil }
        let signatures = report.environments.contains { $0.runs?.signature != nil }
        let rows = report.environments.map { environment -> [StyledText] in
            let ref =
                environment.ref.map { value in
                    let field = environment.refField.map { "\($0) " } ?? ""
                    return field + value + (environment.semverFilter.map { " (filter \($0))" } ?? "")
                } ?? "-"
            let source =
                environment.source.map { "\($0.kind)/\($0.name)" } ?? environment.instance.map {
                    "\($0.kind) (operator)"
                } ?? "-"
            var row = [
                StyledText(environment.name),
                StyledText(environment.kind.rawValue, environment.kind == .unknown ? .failed : nil),
                StyledText(source), StyledText(ref),
            ]
            if resolved {
                let runs = runs(environment.runs)
                row += [StyledText(runs, runs == "unknown" ? .failed : nil), behind(environment.behind)]
            }
            if signatures {
                let state = environment.runs?.signature?.state
                row.append(
                    StyledText(state?.rawValue ?? "-", state == .signed ? .success : state == nil ? nil : .error))
            }
            return row + [StyledText(environment.source?.url ?? environment.instance?.url ?? "-")]
        }
        let header =
            ["ENVIRONMENT", "KIND", "SOURCE", "REF"] + (resolved ? ["RUNS", "BEHIND"] : [])
            + (signatures ? ["SIGNATURE"] : []) + ["URL"]
        lines += TextTable.render(header: header.map { StyledText($0) }, rows: rows)
        for environment in report.environments {
            lines.append("")
            lines.append("\(environment.name) (\(environment.directory))")
            if let reason = environment.reason { lines.append("  " + StyledText("note:", .note) + " \(reason)") }
            if let entry = environment.entry {
                lines.append("  entry: Kustomization \(entry.namespace)/\(entry.name) path \(entry.path)")
            } else if let instance = environment.instance {
                let declared =
                    instance.declaredBy == "FluxInstance"
                    ? "FluxInstance \(instance.name)"
                    : "FluxInstance of HelmRelease \(instance.name) (flux-instance chart)"
                lines.append(
                    StyledText(
                        "  entry: \(declared) at \(instance.location) syncs \(instance.kind) \(instance.url ?? "-")"
                            + (instance.ref.map { " ref \($0)" } ?? "") + (instance.path.map { " path \($0)" } ?? "")))
            } else {
                lines.append(
                    StyledText(
                        environment.syncFile == "placeholder"
                            ? "  entry: not bootstrapped (\(environment.directory)/flux-system/gotk-sync.yaml is a placeholder that flux bootstrap replaces)"
                            : "  entry: not bootstrapped (no \(environment.directory)/flux-system/gotk-sync.yaml)"))
            }
            lines.append(
                environment.fluxVersion.map { version in
                    StyledText(
                        "  flux: " + (version == "newest" ? "the newest" : "Flux \(version)")
                            + (environment.fluxVersionFrom.map { ", from \($0)" } ?? ""))
                } ?? StyledText("  flux: not known from git (fluxVersion in lockmaster.yaml can say)", .muted))
            for kustomization in environment.kustomizations {
                let depends =
                    kustomization.dependsOn.isEmpty
                    ? "" : "  dependsOn " + kustomization.dependsOn.map(\.description).joined(separator: ", ")
                lines.append(
                    "  Kustomization \(kustomization.namespace)/\(kustomization.name)  \(kustomization.path)\(depends)")
            }
            if let runs = environment.runs {
                if let error = runs.error { lines.append("  runs: " + StyledText("unknown", .failed) + ": \(error)") }
                if let revision = runs.revision {
                    lines.append(
                        StyledText("  runs: \(revision)" + (runs.sourceRevision.map { " (from \($0))" } ?? "")))
                }
                if let signature = runs.signature {
                    lines.append(StyledText("  signature: \(SignatureText.summary(signature))"))
                }
                if let downgrade = runs.downgrade {
                    lines.append(
                        "  " + StyledText("warning:", .warning)
                            + StyledText(" \(DowngradeText.summary(downgrade, environment: environment.name))"))
                }
            }
            if let live = environment.live {
                if let error = live.error {
                    lines.append("  live (\(live.context)): " + StyledText("unreachable:", .error) + " \(error)")
                } else {
                    let verdict =
                        live.matches.map {
                            $0
                                ? StyledText("applies the expected revision", .success)
                                : StyledText("NOT at the expected revision", .error)
                        }
                        ?? "no expectation"
                    lines.append("  live (\(live.context)): " + verdict)
                    for object in live.objects {
                        let ready =
                            object.ready.map { $0 ? StyledText("Ready", .success) : StyledText("NotReady", .failed) }
                            ?? "Unknown"
                        let suspended = object.suspended ? " suspended" : ""
                        lines.append(
                            "    \(object.kind) \(object.namespace)/\(object.name)  " + ready
                                + StyledText(
                                    "\(suspended)  \(object.revision ?? "-")"
                                        + (object.matches == false ? "  (expected other)" : "")))
                    }
                }
            }
        }
        if let branch = report.branch, let source = report.branchSource, source != "lockmaster.yaml", branch != "main" {
            lines.append("")
            lines.append(
                StyledText("branch of record: \(branch) (\(source)); set branch in lockmaster.yaml to name another"))
        }
        if !report.notEnvironments.isEmpty {
            lines.append("")
            lines.append(
                StyledText(
                    "not environments (no sync of their own: nothing syncs them, or another environment's Kustomization applies them): "
                        + report.notEnvironments.joined(separator: ", ")))
        }
        return StyledText.joined(lines) + "\n"
    }
}

extension StatusTextFormatter {
    /// BEHIND: how far behind in the attention colour, up to date in the success one.
    static func behind(_ text: String?) -> StyledText {
        guard let text else { return "-" }
        if let range = text.firstRange(of: " behind ") {
            return StyledText(String(text[..<range.lowerBound]) + " behind", .attention)
                + StyledText(" " + text[range.upperBound...])
        }
        if text.hasPrefix("up to date with") {
            return StyledText("up to date with", .success) + StyledText(String(text.dropFirst("up to date with".count)))
        }
        return StyledText(text)
    }

    static func runs(_ runs: StatusReport.Runs?) -> String {
        guard let runs else { return "-" }
        if runs.error != nil { return "unknown" }
        if let tag = runs.tag, let digest = runs.digest { return "\(tag) \(digest.prefix(19))" }
        if let branch = runs.branch, let commit = runs.commit { return "\(branch)@\(commit.prefix(7))" }
        return "-"
    }
}
