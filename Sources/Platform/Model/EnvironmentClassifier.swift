public import Manifests

/// Classifies a platform source by its `spec.ref`, following Flux's precedence between ref fields.
public enum EnvironmentClassifier {
    public static func classify(_ source: PlatformSource) -> Classification {
        switch source {
        case let .git(repository): classify(repository)
        case let .oci(repository): classify(repository)
        }
    }

    /// GitRepository precedence as the clone code applies it (FLUX.md §3.1): commit, name, tag, semver,
    /// branch; no ref means branch `master`.
    public static func classify(_ repository: GitRepository) -> Classification {
        guard let ref = repository.ref else {
            return Classification(kind: .tracksBranch, ref: "master", refField: "branch",
                                  reason: "spec.ref is not set, so Flux follows branch master")
        }
        if let commit = ref.commit { return Classification(kind: .pinned, ref: commit, refField: "commit") }
        if let name = ref.name { return Classification(kind: .pinned, ref: name, refField: "name") }
        if let tag = ref.tag { return Classification(kind: .pinned, ref: tag, refField: "tag") }
        if let semver = ref.semver { return Classification(kind: .tracksRange, ref: semver, refField: "semver") }
        if let branch = ref.branch { return Classification(kind: .tracksBranch, ref: branch, refField: "branch") }
        return Classification(kind: .tracksBranch, ref: "master", refField: "branch",
                              reason: "spec.ref names no branch, tag, semver, name or commit, so Flux follows branch master")
    }

    /// OCIRepository precedence (FLUX.md §2.2): digest, semver, tag; no ref means tag `latest`.
    public static func classify(_ repository: OCIRepository) -> Classification {
        let ref = repository.ref
        if let digest = ref?.digest { return Classification(kind: .pinned, ref: digest, refField: "digest") }
        if let semver = ref?.semver {
            return Classification(kind: .tracksRange, ref: semver, refField: "semver", semverFilter: ref?.semverFilter)
        }
        if let tag = ref?.tag, tag != "latest" { return Classification(kind: .pinned, ref: tag, refField: "tag") }
        return Classification(kind: .unknown, ref: "latest", refField: "tag",
                              reason: "the OCIRepository follows tag 'latest', which moves; pin spec.ref.tag or track spec.ref.semver")
    }
}
