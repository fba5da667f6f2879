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
            guard change.change == .upgraded, let from = change.from.flatMap(SemanticVersion.init),
                let to = change.to.flatMap(SemanticVersion.init)
            else { return change }
            var copy = change
            copy.step = VersionStep(from: from, to: to)
            if copy.step == .downgrade { copy.change = .downgraded }
            return copy
        }.sorted { $0.change != $1.change ? $0.change < $1.change : ($0.kind, $0.name) < ($1.kind, $1.name) }
    }
}
