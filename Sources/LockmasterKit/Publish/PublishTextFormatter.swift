/// Renders what `publish` did for a terminal.
public enum PublishTextFormatter {
    public static func format(_ report: PublishReport) -> String {
        let signature =
            report.signature.map { signature in
                signature.added
                    ? "  signed    \(signature.tag) (key \(signature.fingerprint))\n"
                    : "  signed    already by this key (\(signature.tag)); nothing added\n"
            } ?? ""
        if report.alreadyPublished {
            return "already published as \(report.tag) (\(report.digest)); nothing uploaded\n" + signature
        }
        let raced =
            report.takenByOthers.isEmpty
            ? ""
            : "\(report.takenByOthers.joined(separator: ", ")) \(report.takenByOthers.count == 1 ? "was" : "were") taken by another publisher meanwhile; moved on\n"
        return raced + """
            published \(report.repository):\(report.tag)
              digest    \(report.digest)
              layer     \(report.layerDigest)
              revision  \(report.revision)
              uploaded  \(report.bytesUploaded) bytes

            """ + signature
    }
}

/// Renders what `resolve` found for a terminal.
public enum ResolveTextFormatter {
    public static func format(_ report: ResolveReport) -> String {
        var lines = [
            "\(report.environment.map { "\($0): " } ?? "")\(report.refField) \(report.ref)"
                + (report.semverFilter.map { " (filter \($0))" } ?? "") + " in \(report.repository)",
            "  tag       \(report.tag ?? "-")",
            "  digest    \(report.digest)",
            "  revision  \(report.revision)",
        ]
        if let source = report.source { lines.append("  source    \(source)") }
        if let revision = report.sourceRevision { lines.append("  commit    \(revision)") }
        if report.candidates.count > 1 {
            lines.append(
                "  candidates " + report.candidates.map { $0.tag + ($0.tie ? " (tie)" : "") }.joined(separator: ", "))
        }
        if let signature = report.signature {
            lines.append("  signature \(SignatureText.summary(signature))")
        }
        if let downgrade = report.downgrade {
            lines.append(
                "  warning: " + DowngradeText.summary(downgrade, environment: report.environment ?? "the environment"))
        }
        if report.candidates.contains(where: \.tie) {
            lines.append("  warning: versions of equal precedence; Flux may pick any of the ties")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
