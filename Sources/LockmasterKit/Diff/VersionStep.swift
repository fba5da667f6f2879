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
}
