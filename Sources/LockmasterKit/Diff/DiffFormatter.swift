import Manifests

/// Renders a diff for a terminal, or as Markdown ready to paste into a pull request.
public enum DiffFormatter {
    public static func text(_ report: DiffReport) -> String {
        var lines = ["comparing \(report.comparing)"]
        for environment in report.environments {
            lines.append("")
            lines.append("== \(environment.name)")
            if environment.kustomizations.isEmpty, environment.services.isEmpty {
                lines.append(environment.problems.isEmpty ? "  no changes" : "  not compared: a source could not be read")
            }
            for kustomization in environment.kustomizations {
                lines.append("  Kustomization \(kustomization.name)")
                for object in kustomization.objects {
                    lines.append("    \(symbol(object.change)) \(object.object) (\(object.change.rawValue))")
                    lines += object.diff.map { "        \($0)" }
                    lines += (object.secretKeys ?? [:]).sorted { $0.key < $1.key }.map { "        secret \($0.key): \($0.value)" }
                }
            }
            if !environment.services.isEmpty {
                lines.append("  services, lowest risk first:")
                lines += environment.services.map { "    " + ServiceDiff.describe($0) }
            }
            for problem in environment.problems { lines.append("  error: \(problem.kustomization) (\(problem.path)): \(problem.message)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func markdown(_ report: DiffReport) -> String {
        var lines = ["### Lockmaster diff", "", "Comparing \(report.comparing).", ""]
        for environment in report.environments {
            lines.append("#### \(environment.name)")
            lines.append("")
            if environment.kustomizations.isEmpty, environment.services.isEmpty {
                // "No changes" only when both sides could be read.
                lines += [environment.problems.isEmpty ? "No changes." : "Not compared: a source could not be read.", ""]
            }
            if !environment.services.isEmpty {
                lines += ["| change | service | from | to |", "|---|---|---|---|"]
                for service in environment.services {
                    let change = service.change.rawValue + (service.step.map { " (\($0))" } ?? "")
                    lines.append("| \(change) | \(service.kind) `\(service.name)` | \(service.from ?? "") | \(service.to ?? "") |")
                }
                lines.append("")
            }
            for kustomization in environment.kustomizations {
                lines.append("<details><summary>Kustomization <code>\(kustomization.name)</code>: \(kustomization.objects.count) object\(kustomization.objects.count == 1 ? "" : "s")</summary>")
                lines.append("")
                lines.append("```diff")
                for object in kustomization.objects {
                    lines.append("\(symbol(object.change)) \(object.object) (\(object.change.rawValue))")
                    lines += object.diff
                    lines += (object.secretKeys ?? [:]).sorted { $0.key < $1.key }.map { "  secret \($0.key): \($0.value)" }
                }
                lines += ["```", "", "</details>", ""]
            }
            for problem in environment.problems { lines.append("- :warning: `\(problem.kustomization)` (`\(problem.path)`): \(problem.message)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func symbol(_ change: ObjectDiff.Change) -> String {
        switch change {
        case .added: "+"
        case .removed: "-"
        case .changed: "~"
        }
    }
}
