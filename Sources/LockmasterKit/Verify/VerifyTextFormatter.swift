import Artifacts
public import Support

/// Renders what `verify` found for a terminal.
public enum VerifyTextFormatter {
    public static func styled(_ report: VerifyReport) -> StyledText {
        let what =
            (report.environment.map { "\($0) runs " } ?? "") + (report.tag.map { "\($0) " } ?? "")
            + "(\(report.digest))"
        var lines: [StyledText] = [StyledText(what + " in \(report.repository)")]
        switch report.signature.state {
        case .signed:
            lines.append("  " + StyledText("signed", .success) + " by \(report.signature.keys.joined(separator: ", "))")
        case .unsigned: lines.append("  " + StyledText("unsigned", .error) + ": nothing under \(report.signature.tag)")
        case .invalid:
            lines.append("  " + StyledText("invalid", .error) + ": no signature under \(report.signature.tag) verifies")
            lines += report.signature.problems.map { StyledText("    \($0)") }
        }
        lines.append(
            StyledText(
                "  trusted   " + report.trustedKeys.map { "\($0.name) \($0.fingerprint)" }.joined(separator: ", ")))
        return StyledText.joined(lines) + "\n"
    }
}
