import Foundation
import Manifests

/// Renders a teardown plan for a terminal.
public enum TeardownFormatter {
    public static func format(_ plan: TeardownPlan) -> String {
        var lines = ["teardown plan for \(plan.sandbox):"]
        for step in plan.steps {
            let wave = step.wave.map { " (wave \($0))" } ?? ""
            lines.append(
                String(format: "%3d. ", step.number)
                    + "\(step.action.rawValue)\(wave) \(step.object?.description ?? "")".trimmingCharacters(
                        in: .whitespaces))
            lines.append("       \(step.reason)")
        }
        lines += plan.warnings.map { "warning: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }
}
