import Artifacts
import Manifests

extension VersionStep {
    /// The step from `from` to `to`: a lower version is a downgrade whatever part of it changed; versions
    /// of the same precedence (only build metadata differs) are the smallest step.
    init(from: SemanticVersion, to: SemanticVersion) {
        if to.compare(to: from) < 0 {
            self = .downgrade
        } else if to.major != from.major {
            self = .major
        } else if to.minor != from.minor {
            self = .minor
        } else {
            self = .patch
        }
    }

    /// Each chart version change with its step; one that goes down is `downgraded`, never `upgraded`.
    static func classify(_ changes: [ServiceChange]) -> [ServiceChange] {
        changes.map { change in
            guard change.change == .upgraded, let before = change.from, let after = change.to else { return change }
            var copy = change
            if let from = SemanticVersion(before), let to = SemanticVersion(after) {
                copy.step = VersionStep(from: from, to: to)
            } else if let from = rangeMajor(before), let to = rangeMajor(after), from != to {
                // Two ranges that start in different majors: what they admit crosses a major (or goes down).
                copy.step = to < from ? .downgrade : .major
            }
            if copy.step == .downgrade { copy.change = .downgraded }
            return copy
        }.sorted(by: ServiceChange.inRiskOrder)
    }

    /// The major a semver range starts at, where it starts with a lower bound (`~1.2.0`, `^2`, `>=3.1 <4`,
    /// `1.x`); nil for anything else (`<2.0.0`, `*`, a union of ranges), which is then not called major.
    static func rangeMajor(_ text: String) -> UInt64? {
        guard (try? SemverRange(text)) != nil, !text.contains("||"),
            let match = text.wholeMatch(of: #/\s*(?:\^|~|>=|=)?\s*v?(\d+)(?:\.(?:\d+|[xX*])){0,2}(?:\s.*)?/#)
        else { return nil }
        return UInt64(match.1)
    }
}
