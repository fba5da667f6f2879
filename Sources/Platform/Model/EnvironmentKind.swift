/// How an environment follows platform changes, decided by its platform source (never by its name).
public enum EnvironmentKind: String, Sendable, Codable, CaseIterable {
    /// A GitRepository following a branch (development → main, a sandbox → its branch).
    case tracksBranch = "tracks-branch"
    /// An OCIRepository (or GitRepository) following a semver range of published versions.
    case tracksRange = "tracks-range"
    /// An exact tag, digest or commit.
    case pinned
    /// Not classifiable; `Classification.reason` says why.
    case unknown
}

/// The `spec.ref` field an environment's ref comes from (Flux's names).
public enum RefField: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case branch, semver, tag, digest, commit, name

    public var description: String { rawValue }
}

/// The kind of an environment, what it follows, and why when that is not obvious.
public struct Classification: Sendable, Equatable, Codable {
    public var kind: EnvironmentKind
    /// The branch, range, tag, digest or commit followed.
    public var ref: String?
    /// Which `spec.ref` field `ref` comes from: `branch`, `semver`, `tag`, `digest`, `commit`, `name`.
    public var refField: RefField?
    /// `spec.ref.semverFilter` of an OCIRepository range.
    public var semverFilter: String?
    /// Why the kind is `unknown`, or a note about a default Flux applies.
    public var reason: String?

    public init(
        kind: EnvironmentKind, ref: String? = nil, refField: RefField? = nil, semverFilter: String? = nil,
        reason: String? = nil
    ) {
        self.kind = kind
        self.ref = ref
        self.refField = refField
        self.semverFilter = semverFilter
        self.reason = reason
    }
}
