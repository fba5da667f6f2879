import Foundation
import Manifests
public import Support

/// Renders a diff for a terminal, or as Markdown ready to paste into a pull request.
public enum DiffFormatter {
    public static func text(_ report: DiffReport) -> String {
        styled(report).plain
    }

    /// The text, with added, removed and changed objects and lines, and errors, marked.
    public static func styled(_ report: DiffReport) -> StyledText {
        var lines: [StyledText] = ["comparing \(report.comparing)"]
        if let provenance = provenance(report) { lines.append(StyledText(provenance, .muted)) }
        if let lane = report.lane {
            lines += ["", "lane: where the change goes after it merges"]
            let width = lane.map(\.environment.count).max() ?? 0
            lines += lane.map { step in
                StyledText("  \(step.environment.padding(toLength: width, withPad: " ", startingAt: 0))  ")
                    + StyledText(
                        step.when.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0),
                        step.when == .unchanged ? .muted : step.when == .unknown ? .failed : nil)
                    + StyledText(" \(step.detail)")
            }
        }
        for environment in report.environments {
            lines.append("")
            lines.append("== \(environment.name)")
            if environment.kustomizations.isEmpty, environment.services.isEmpty {
                lines.append(
                    environment.problems.isEmpty ? "  no changes" : "  not compared: a source could not be read")
            }
            if !environment.dangers.isEmpty { lines.append("  dangers, most severe first:") }
            for danger in environment.dangers {
                let style: StyledText.Style =
                    switch danger.severity {
                    case .high: .error
                    case .medium: .warning
                    case .low: .note
                    }
                lines.append(
                    "    "
                        + StyledText(danger.severity.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0), style)
                        + StyledText(
                            " \(danger.object): \(danger.message) [\(danger.rule.rawValue)]"
                                + (danger.location.map { " at \($0)" } ?? "")))
                lines.append(StyledText("           \(danger.why)", .muted))
            }
            if !environment.silencedDangers.isEmpty {
                lines.append(
                    StyledText(
                        "  silenced: "
                            + environment.silencedDangers.map { "\($0.rule.rawValue) on \($0.object)" }.joined(
                                separator: ", "), .muted))
            }
            for kustomization in environment.kustomizations {
                lines.append("  Kustomization \(kustomization.name)")
                for object in kustomization.objects {
                    let style: StyledText.Style =
                        switch object.change {
                        case .added: .added
                        case .removed: .removed
                        case .changed: .changed
                        }
                    lines.append(
                        StyledText("    \(symbol(object.change)) \(object.object) (\(object.change.rawValue))", style))
                    lines += object.diff.map { line in
                        StyledText(
                            "        \(line)", line.hasPrefix("+") ? .added : line.hasPrefix("-") ? .removed : nil)
                    }
                    lines += (object.secretKeys ?? [:]).sorted { $0.key < $1.key }.map {
                        StyledText("        secret \($0.key): \($0.value)")
                    }
                }
            }
            for change in environment.values {
                lines.append(
                    "  values of HelmRelease \(change.release), through \(change.sources.joined(separator: ", ")):")
                lines += change.diff.map { line in
                    StyledText("        \(line)", line.hasPrefix("+") ? .added : line.hasPrefix("-") ? .removed : nil)
                }
                if change.secretsChanged { lines.append("        what it reads from Secrets changed (not shown)") }
            }
            if !environment.services.isEmpty {
                lines.append("  services, lowest risk first:")
                lines += environment.services.map { StyledText("    " + ServiceDiff.describe($0)) }
            }
            for unbuilt in environment.unbuilt {
                lines.append(
                    StyledText(
                        "  Kustomization \(unbuilt.kustomization): could not be built (\(unbuilt.side.rawValue)); its objects are not compared"
                    ))
            }
            for problem in environment.problems {
                lines.append(
                    StyledText("  error: \(problem.kustomization) (\(problem.path)): \(problem.message)", .failed))
            }
            if !environment.untouched.isEmpty {
                lines.append(StyledText("  note: " + untouchedNote(environment.untouched), .muted))
            }
        }
        return StyledText.joined(lines) + "\n"
    }

    /// One line for the Kustomizations the change does not touch and no side can read: how many, the first
    /// few, and why they do not fail the diff.
    static func untouchedNote(_ problems: [RenderProblem]) -> String {
        let names =
            problems.prefix(3).map { "\($0.kustomization)" }.joined(separator: ", ") + (problems.count > 3 ? ", …" : "")
        return
            "\(problems.count) Kustomization\(problems.count == 1 ? "" : "s") the change does not touch cannot be read on "
            + "either side (\(names)); not compared, and not a failure (--strict makes it one)"
    }

    /// An annotation's `file=…,line=…,col=…,` for a finding, or nothing for one without a file.
    private static func place(_ danger: DangerFinding) -> String {
        danger.location.map { "file=\(WorkflowCommand.property($0.path)),line=\($0.line),col=\($0.column)," } ?? ""
    }

    /// Where the settings came from and how builds were confined, in one line.
    static func provenance(_ report: DiffReport) -> String? {
        let parts = [report.settings.map { "settings from \($0)" }, report.builds].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Characters of object diffs a Markdown comment may hold, below GitHub's 65,536 with room for the rest.
    static let markdownBudget = 60_000

    /// Every value from the repository or a registry is escaped (`MarkdownText`): names in code spans,
    /// messages as text, diff lines in a fence longer than any backtick run they hold.
    public static func markdown(_ report: DiffReport) -> String {
        var lines = ["### Lockmaster diff", "", "Comparing \(MarkdownText.text(report.comparing)).", ""]
        if let provenance = provenance(report) { lines += ["<sub>\(MarkdownText.text(provenance))</sub>", ""] }
        if let lane = report.lane {
            lines += ["#### Where this change goes", "", "| environment | when | version | how |", "|---|---|---|---|"]
            lines += lane.map { step in
                "| \(MarkdownText.text(step.environment)) | \(step.when.rawValue) | \(step.version.map(MarkdownText.code) ?? "") | \(MarkdownText.text(step.detail)) |"
            }
            lines.append("")
        }
        // The dangers lead: a reviewer reads them before any object.
        let dangers = report.environments.flatMap(\.dangers)
        if !dangers.isEmpty {
            lines += [
                "#### Dangerous changes", "", "| severity | rule | environment | object | change | where | why |",
                "|---|---|---|---|---|---|---|",
            ]
            for danger in dangers {
                lines.append(
                    "| \(danger.severity == .high ? "**high**" : danger.severity.rawValue) | \(MarkdownText.code(danger.rule.rawValue)) | "
                        + "\(MarkdownText.text(danger.environment)) | \(MarkdownText.code(danger.object.description)) | \(MarkdownText.text(danger.message)) | "
                        + "\(danger.location.map { MarkdownText.code($0.description) } ?? "") | \(MarkdownText.text(danger.why)) |"
                )
            }
            lines.append("")
        }
        // What a `# lockmaster:ignore` comment silenced stays in sight: the comment may be the change's own.
        let silenced = report.environments.flatMap(\.silencedDangers)
        if !silenced.isEmpty {
            lines += [
                "#### Silenced by `# lockmaster:ignore` comments", "",
                "| severity | rule | environment | object | where |", "|---|---|---|---|---|",
            ]
            for danger in silenced {
                lines.append(
                    "| \(danger.severity.rawValue) | \(MarkdownText.code(danger.rule.rawValue)) | \(MarkdownText.text(danger.environment)) | "
                        + "\(MarkdownText.code(danger.object.description)) | \(danger.location.map { MarkdownText.code($0.description) } ?? "") |"
                )
            }
            lines.append("")
        }
        for environment in report.environments {
            lines.append("#### \(MarkdownText.text(environment.name))")
            lines.append("")
            if environment.kustomizations.isEmpty, environment.services.isEmpty {
                // "No changes" only when both sides could be read.
                lines += [
                    environment.problems.isEmpty ? "No changes." : "Not compared: a source could not be read.", "",
                ]
            }
            if !environment.services.isEmpty {
                lines += ["| change | service | from | to |", "|---|---|---|---|"]
                for service in environment.services {
                    let change = service.change.rawValue + (service.step.map { " (\($0.rawValue))" } ?? "")
                    lines.append(
                        "| \(change) | \(MarkdownText.text(service.kind)) \(MarkdownText.code(service.name)) | "
                            + "\(MarkdownText.text(service.from ?? "")) | \(MarkdownText.text(service.to ?? "")) |")
                }
                lines.append("")
            }
            for kustomization in environment.kustomizations {
                let count = kustomization.objects.count
                lines.append(
                    "<details><summary>Kustomization <code>\(MarkdownText.html(kustomization.name.description))</code>: \(count) object\(count == 1 ? "" : "s")</summary>"
                )
                lines.append("")
                var body: [String] = []
                for object in kustomization.objects {
                    body.append("\(symbol(object.change)) \(Inert.line(object.object)) (\(object.change.rawValue))")
                    body += object.diff.map(Inert.line)
                    body += (object.secretKeys ?? [:]).sorted { $0.key < $1.key }.map {
                        "  secret \(Inert.line($0.key)): \($0.value)"
                    }
                }
                // GitHub refuses a comment over 65,536 characters: object diffs give way first, never a danger.
                let used = lines.reduce(0) { $0 + $1.count + 1 }
                var kept: [String] = []
                var size = used
                for line in body where size + line.count + 1 <= markdownBudget {
                    kept.append(line)
                    size += line.count + 1
                }
                if kept.count < body.count {
                    kept.append(
                        "… \(body.count - kept.count) more lines left out: the comment is at its size limit (run lockmaster diff for all of it)"
                    )
                }
                let fence = MarkdownText.fence(for: kept)
                lines += [fence + "diff"] + kept + [fence, "", "</details>", ""]
            }
            for change in environment.values {
                lines.append(
                    "<details><summary>values of HelmRelease <code>\(MarkdownText.html(change.release))</code>, through \(MarkdownText.html(change.sources.joined(separator: ", ")))</summary>"
                )
                lines.append("")
                let body =
                    change.diff.map(Inert.line)
                    + (change.secretsChanged ? ["what it reads from Secrets changed (not shown)"] : [])
                let fence = MarkdownText.fence(for: body)
                lines += [fence + "diff"] + body + [fence, "", "</details>", ""]
            }
            for unbuilt in environment.unbuilt {
                lines.append(
                    "- Kustomization \(MarkdownText.code(unbuilt.kustomization.description)): **could not be built** (\(unbuilt.side.rawValue)); its objects are not compared"
                )
            }
            for problem in environment.problems {
                lines.append(
                    "- :warning: \(MarkdownText.code(problem.kustomization.description)) (\(MarkdownText.code(problem.path))): \(MarkdownText.text(problem.message))"
                )
            }
            if !environment.untouched.isEmpty {
                lines += ["- " + MarkdownText.text(untouchedNote(environment.untouched)), ""]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// GitHub Actions annotations, one per danger finding: high an error, medium a warning, low a notice;
    /// a finding without a file is annotated on the run.
    public static func github(_ report: DiffReport) -> String {
        let dangers = report.environments.flatMap(\.dangers)
        return
            (dangers.map { danger in
                let command =
                    switch danger.severity {
                    case .high: "error"
                    case .medium: "warning"
                    case .low: "notice"
                    }
                let message = "\(danger.environment): \(danger.object): \(danger.message)\nwhy: \(danger.why)"
                return
                    "::\(command) \(place(danger))title=\(WorkflowCommand.property("lockmaster diff: " + danger.rule.rawValue))::\(WorkflowCommand.data(message))"
            }
            + report.environments.flatMap(\.silencedDangers).map { danger in
                // Silenced, but never invisible: a notice where the comment is.
                "::notice \(place(danger))title=\(WorkflowCommand.property("lockmaster diff: " + danger.rule.rawValue + " (silenced)"))::"
                    + WorkflowCommand.data(
                        "\(danger.environment): \(danger.object): \(danger.message)\nsilenced by a # lockmaster:ignore=\(danger.rule.rawValue) comment"
                    )
            }).joined(separator: "\n")
            + (dangers.isEmpty && report.environments.allSatisfy(\.silencedDangers.isEmpty) ? "" : "\n")
    }

    private static func symbol(_ change: ObjectDiff.Change) -> String {
        switch change {
        case .added: "+"
        case .removed: "-"
        case .changed: "~"
        }
    }
}
