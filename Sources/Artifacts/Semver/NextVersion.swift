/// Which part of the version to raise.
public enum VersionBump: String, Sendable, CaseIterable {
    case patch, minor, major
}

/// Why no next version could be computed.
public enum NextVersionError: Error, Sendable, Equatable, CustomStringConvertible {
    case rangeExhausted(range: String, highest: String, next: String, minor: String)
    case noVersionInRange(range: String)

    public var description: String {
        switch self {
        case .rangeExhausted(let range, let highest, let next, let minor):
            return "staging's range \"\(range)\" admits no patch after \(highest) (\(next) is outside it); "
                + "publish with --bump minor (\(minor)) and change staging's spec.ref.semver to \"~\(minor)\""
        case .noVersionInRange(let range):
            return
                "nothing is published in staging's range \"\(range)\" and no first version could be derived from it; pass --version"
        }
    }
}

/// Computes the version to publish next from the tags already in the repository.
public enum NextVersion {
    /// Releases among `tags` (Flux's gate applied), highest first.
    static func releases(_ tags: [String]) -> [SemanticVersion] {
        tags.compactMap(SemanticVersion.flux).filter { !$0.isPrerelease }.sorted { $0.compare(to: $1) > 0 }
    }

    /// The next patch above the highest release inside `range`; the lowest release the range admits when
    /// it holds none yet. Keeps a `v` prefix when the highest tag has one.
    public static func inRange(_ range: SemverRange, tags: [String]) throws(NextVersionError) -> SemanticVersion {
        let all = releases(tags)
        let prefix = all.first?.original.hasPrefix("v") == true ? "v" : ""
        if let highest = all.first(where: range.contains) {
            let next = SemanticVersion(major: highest.major, minor: highest.minor, patch: highest.patch + 1)
            guard range.contains(next) else {
                throw .rangeExhausted(
                    range: range.text, highest: highest.original, next: next.normalized,
                    minor: SemanticVersion(major: highest.major, minor: highest.minor + 1, patch: 0).normalized)
            }
            return styled(next, prefix: prefix)
        }
        // No release in range yet: the lowest version, above 0.0.0, that one of the range's own
        // constraints names (or the patch after it, for `>1.2.3`) and the range admits.
        let named = range.groups.flatMap {
            $0.map { SemanticVersion(major: $0.version.major, minor: $0.version.minor, patch: $0.version.patch) }
        }
        let candidates = (named + named.map { SemanticVersion(major: $0.major, minor: $0.minor, patch: $0.patch + 1) })
            .filter { $0.major + $0.minor + $0.patch > 0 }
            .sorted { $0.compare(to: $1) < 0 }
        if let first = candidates.first(where: range.contains) { return styled(first, prefix: prefix) }
        throw .noVersionInRange(range: range.text)
    }

    /// The highest release among `tags` raised by `bump`; `0.1.0` when there is none.
    public static func bumped(_ bump: VersionBump, tags: [String]) -> SemanticVersion {
        guard let highest = releases(tags).first else { return SemanticVersion(major: 0, minor: 1, patch: 0) }
        let prefix = highest.original.hasPrefix("v") ? "v" : ""
        let next =
            switch bump {
            case .patch: SemanticVersion(major: highest.major, minor: highest.minor, patch: highest.patch + 1)
            case .minor: SemanticVersion(major: highest.major, minor: highest.minor + 1, patch: 0)
            case .major: SemanticVersion(major: highest.major + 1, minor: 0, patch: 0)
            }
        return styled(next, prefix: prefix)
    }

    private static func styled(_ version: SemanticVersion, prefix: String) -> SemanticVersion {
        SemanticVersion(
            major: version.major, minor: version.minor, patch: version.patch, original: prefix + version.normalized)
    }
}
