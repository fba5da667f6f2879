public import Manifests

/// Classifies a platform source by its `spec.ref`, following Flux's precedence between ref fields.
public enum EnvironmentClassifier {
    public static func classify(_ source: PlatformSource) -> Classification {
        switch source {
        case .git(let repository): classify(repository)
        case .oci(let repository): classify(repository)
        }
    }

    /// GitRepository precedence as the clone code applies it (FLUX.md §3.1): commit, name, tag, semver,
    /// branch; no ref means branch `master`.
    public static func classify(_ repository: GitRepository) -> Classification {
        guard let ref = repository.ref else {
            return Classification(
                kind: .tracksBranch, ref: "master", refField: .branch,
                reason: "spec.ref is not set, so Flux follows branch master")
        }
        if let commit = ref.commit { return Classification(kind: .pinned, ref: commit, refField: .commit) }
        if let name = ref.name { return Classification(kind: .pinned, ref: name, refField: .name) }
        if let tag = ref.tag { return Classification(kind: .pinned, ref: tag, refField: .tag) }
        if let semver = ref.semver { return Classification(kind: .tracksRange, ref: semver, refField: .semver) }
        if let branch = ref.branch { return Classification(kind: .tracksBranch, ref: branch, refField: .branch) }
        return Classification(
            kind: .tracksBranch, ref: "master", refField: .branch,
            reason: "spec.ref names no branch, tag, semver, name or commit, so Flux follows branch master")
    }

    /// OCIRepository precedence (FLUX.md §2.2): digest, semver, tag; no ref means tag `latest`.
    public static func classify(_ repository: OCIRepository) -> Classification {
        let ref = repository.ref
        if let digest = ref?.digest { return Classification(kind: .pinned, ref: digest, refField: .digest) }
        if let semver = ref?.semver {
            return Classification(kind: .tracksRange, ref: semver, refField: .semver, semverFilter: ref?.semverFilter)
        }
        let tag = ref?.tag ?? "latest"
        if !OCIChannel.names(tag) { return Classification(kind: .pinned, ref: tag, refField: .tag) }
        return Classification(
            kind: .unknown, ref: tag, refField: .tag,
            reason:
                "the OCIRepository follows tag '\(tag)', \(OCIChannel.why(tag)); pin spec.ref.tag to a version or track spec.ref.semver"
        )
    }

    /// A Flux Operator sync (`spec.sync` of a FluxInstance, or the flux-instance chart's values). The
    /// operator writes a Git `ref` as the GitRepository's `spec.ref.name` and an OCI `ref` as the
    /// OCIRepository's tag (docs/flux-facts.md §1), so a full ref name says what it follows.
    public static func classify(_ sync: FluxInstance.Sync) -> Classification {
        let ref = sync.ref ?? ""
        switch sync.kind {
        case "GitRepository":
            if ref.isEmpty {
                return Classification(
                    kind: .unknown,
                    reason: "spec.sync.ref is not set, and the operator needs a Git ref such as refs/heads/main")
            }
            if ref.hasPrefix("refs/heads/") {
                return Classification(kind: .tracksBranch, ref: String(ref.dropFirst(11)), refField: .branch)
            }
            if ref.hasPrefix("refs/tags/") {
                return Classification(kind: .pinned, ref: String(ref.dropFirst(10)), refField: .tag)
            }
            if ref.count == 40 || ref.count == 64, ref.allSatisfy(\.isHexDigit) {
                return Classification(kind: .pinned, ref: ref, refField: .commit)
            }
            return Classification(kind: .pinned, ref: ref, refField: .name)
        case "OCIRepository":
            if let at = ref.firstRange(of: "sha256:") {
                return Classification(kind: .pinned, ref: String(ref[at.lowerBound...]), refField: .digest)
            }
            let tag = ref.isEmpty ? "latest" : ref
            if OCIChannel.names(tag) {
                return Classification(
                    kind: .unknown, ref: tag, refField: .tag,
                    reason:
                        "the FluxInstance syncs OCI tag '\(tag)', \(OCIChannel.why(tag)); pin a version tag or a digest in spec.sync.ref"
                )
            }
            return Classification(kind: .pinned, ref: ref, refField: .tag)
        default:
            return Classification(
                kind: .unknown, reason: "the FluxInstance syncs a \(sync.kind), which has no ref to follow")
        }
    }
}

/// An OCI tag that names a channel rather than a build: `latest`, `latest-stable`, `stable`, `edge`. A registry
/// lets any push move a tag, and a tag without a single digit says no version, so an environment that follows
/// one is not pinned (d2-fleet's production follows `latest-stable`, which its CI moves on every release). A tag
/// with a digit (`v1.4.2`, a commit id, `build-812`) is taken as one build.
enum OCIChannel {
    static func names(_ tag: String) -> Bool { !tag.unicodeScalars.contains { ("0"..."9").contains($0) } }

    static func why(_ tag: String) -> String {
        tag == "latest" ? "which moves with every push" : "a channel that says no version, moved by whoever pushes it"
    }
}
