public import Artifacts
public import Foundation
public import GitKit
import Manifests
import Platform
import Support

/// What `lockmaster publish` is asked to do.
public struct PublishRequest: Sendable {
    public enum Version: Sendable, Equatable {
        /// The next patch inside staging's range.
        case next
        case exact(String)
        case bump(VersionBump)
    }

    public var repository: URL
    public var version: Version
    /// `oci://HOST/REPO` or a layout directory; defaults to `artifact` in lockmaster.yaml.
    public var target: String?
    public var force: Bool
    public var allowDirty: Bool
    public var followSymlinks: Bool
    /// Told (bytes sent, layer size) while the layer uploads.
    public var progress: (@Sendable (UInt64, UInt64) -> Void)?
    /// Signs the published digest, cosign's way, when set.
    public var signingKey: SigningKey?

    public init(
        repository: URL, version: Version = .next, target: String? = nil, force: Bool = false, allowDirty: Bool = false,
        followSymlinks: Bool = false, progress: (@Sendable (UInt64, UInt64) -> Void)? = nil,
        signingKey: SigningKey? = nil
    ) {
        self.repository = repository
        self.version = version
        self.target = target
        self.force = force
        self.allowDirty = allowDirty
        self.followSymlinks = followSymlinks
        self.progress = progress
        self.signingKey = signingKey
    }
}

/// What `lockmaster publish` reports: `flux push artifact -o json`'s fields and more.
public struct PublishReport: Sendable, Codable, Equatable {
    /// `oci://HOST/REPO@sha256:…` (or the layout directory with the digest).
    public var url: String
    /// `HOST/REPO`, or the layout directory.
    public var repository: String
    public var tag: String
    /// The manifest digest.
    public var digest: String
    public var layerDigest: String
    public var bytesUploaded: UInt64
    /// True when this content was already published under `tag`: nothing was written.
    public var alreadyPublished: Bool
    public var source: String
    public var revision: String
    public var created: String
    /// Versions another publisher took while this one was publishing; it moved on past them.
    public var takenByOthers: [String] = []
    /// The cosign signature of `digest`, when publish signed.
    public var signature: Signature?

    public struct Signature: Sendable, Codable, Equatable {
        /// `sha256-<hex>.sig`.
        public var tag: String
        /// False when this key had signed the digest already: nothing was written.
        public var added: Bool
        /// The signing key's public fingerprint.
        public var fingerprint: String
    }
}

/// Why `publish` refused. Nothing was written to the registry.
public enum PublishError: Error, Sendable, Equatable, CustomStringConvertible {
    case noArtifactRepository
    case noSource
    case notSemver(String)
    case tagTaken(tag: String, existing: String, new: String)
    case noStagingRange
    case readBack(tag: String, expected: String, actual: String?)

    public var description: String {
        switch self {
        case .noArtifactRepository:
            return
                "no artifact repository: pass --to oci://HOST/REPO (or a layout directory), or set 'artifact' in lockmaster.yaml"
        case .noSource:
            return "no source URL for the artifact: add an 'origin' remote (git remote add origin URL)"
        case .notSemver(let version):
            return "\(version) is not a version Flux can select: write MAJOR.MINOR.PATCH, e.g. 1.4.2"
        case .tagTaken(let tag, let existing, let new):
            return "\(tag) is already published with different content (\(existing)); this content is \(new). "
                + "Publish a new version (leave out --version, or use --bump), or pass --force to move the tag"
        case .noStagingRange:
            return
                "no environment tracks a semver range, so there is no next version to compute; pass --version or --bump"
        case .readBack(let tag, let expected, let actual):
            return
                "after pushing, \(tag) points at \(actual ?? "nothing") instead of \(expected); another publisher may have raced; run publish again"
        }
    }
}

extension String {
    func trimmingWhitespace() -> String { trimmingCharacters(in: .whitespaces) }
}

/// Packages the platform and pushes it in Flux's format (FLUX.md §1.6): blobs first (existing ones
/// skipped), manifest last, tag read back. Never overwrites a tag with other content unless forced.
public struct PlatformPublisher: Sendable {
    private let git: any GitClient
    private let access: RegistryAccess

    public init(git: any GitClient = ProcessGitClient(), access: RegistryAccess = RegistryAccess()) {
        self.git = git
        self.access = access
    }

    public func run(_ request: PublishRequest) async throws -> PublishReport {
        let root = request.repository
        let repository = try PlatformRepository.load(root: root)
        let settings = repository.settings
        guard let target = request.target ?? settings.artifact else { throw PublishError.noArtifactRepository }
        if !request.allowDirty {
            let changes = try await git.status(
                of: settings.platformPaths + [".sourceignore", LockmasterSettings.fileName], in: root)
            guard changes.isEmpty else { throw RepositoryStateError.dirty(changes, .publish) }
        }
        if case .exact(let version) = request.version, SemanticVersion.flux(version) == nil {
            throw PublishError.notSemver(version)
        }

        // Package to a private temporary file, removed on success, failure and Ctrl-C.
        let workspace = try ScratchDirectory(prefix: "lockmaster-publish")
        defer { workspace.remove() }
        let artifact = try await build(repository, followSymlinks: request.followSymlinks, into: workspace.url)

        let store = try await access.store(for: target, relativeTo: root, artifact: target)
        if let registry = store as? RegistryClient { try await registry.checkAPI() }
        let tags = try await store.listTags()
        func report(tag: String, uploaded: UInt64, already: Bool, taken: [String] = []) -> PublishReport {
            PublishReport(
                url: Self.url(store, digest: artifact.manifestDigest), repository: Self.repositoryName(store), tag: tag,
                digest: artifact.manifestDigest,
                layerDigest: artifact.layer.digest, bytesUploaded: uploaded, alreadyPublished: already,
                source: artifact.source, revision: artifact.revision, created: artifact.created, takenByOthers: taken)
        }
        // Signing comes after the tag is written (or found): the signature names the digest it points at.
        func signed(_ report: PublishReport) async throws -> PublishReport {
            guard let key = request.signingKey else { return report }
            var report = report
            let outcome = try await CosignSignatures(store: store).sign(
                digest: report.digest, reference: report.repository, key: key)
            switch outcome {
            case .added(let tag, _):
                report.signature = .init(tag: tag, added: true, fingerprint: key.publicKey.fingerprint)
            case .alreadySigned(let tag):
                report.signature = .init(tag: tag, added: false, fingerprint: key.publicKey.fingerprint)
            }
            return report
        }
        let tag: String
        let computed: Bool
        switch try await version(request.version, of: artifact, tags: tags, store: store, repository: repository) {
        case .published(let existing): return try await signed(report(tag: existing, uploaded: 0, already: true))
        case .exact(let version): (tag, computed) = (version, false)
        case .computed(let version): (tag, computed) = (version, true)
        }
        // An exact version already holding other content is refused before anything is uploaded.
        if !computed, !request.force, tags.contains(tag), let existing = try await store.manifestDigest(tag),
            existing != artifact.manifestDigest
        {
            throw PublishError.tagTaken(tag: tag, existing: existing, new: artifact.manifestDigest)
        }
        let uploaded = try await uploadBlobs(artifact, tag: tag, to: store, progress: request.progress)
        let written = try await writeTag(
            tag, computed: computed, force: request.force, artifact: artifact, uploaded: uploaded, store: store)
        return try await signed(
            report(tag: written.tag, uploaded: written.uploaded, already: written.already, taken: written.taken))
    }

    /// The artifact to publish: its gzip layer (written into `directory`), config and manifest, with
    /// annotations that describe the commit: its time (not the clock), the remote, branch and id.
    struct Artifact {
        var layerFile: URL
        var layer: PackageResult
        var config: Data
        var manifest: Data
        var manifestDigest: String
        var created: String
        var source: String
        var revision: String
    }

    private func build(_ repository: PlatformRepository, followSymlinks: Bool, into directory: URL) async throws
        -> Artifact
    {
        let root = repository.root
        let head = try await git.head(in: root)
        let created = Timestamp.rfc3339(head.time)
        let branch = try await git.currentBranch(in: root)
        let revision = (branch.map { "\($0)@" } ?? "") + "sha1:\(head.commit)"
        let source = try await sourceURL(repository)
        let layerFile = directory.appendingPathComponent("platform.tgz")
        let packager = try await PlatformPackager(git: git).packager(for: root, followSymlinks: followSymlinks)
        let layer = try packager.package(to: layerFile)
        let config = Self.config(created: created, diffID: layer.uncompressedDigest)
        let manifest = OCIManifest(
            config: OCIDescriptor(
                mediaType: FluxArtifact.configMediaType, digest: Digest.sha256(config), size: UInt64(config.count)),
            layers: [OCIDescriptor(mediaType: FluxArtifact.layerMediaType, digest: layer.digest, size: layer.size)],
            annotations: [
                FluxArtifact.createdAnnotation: created, FluxArtifact.sourceAnnotation: source,
                FluxArtifact.revisionAnnotation: revision,
            ]
        ).canonicalJSON()
        return Artifact(
            layerFile: layerFile, layer: layer, config: config, manifest: manifest,
            manifestDigest: Digest.sha256(manifest),
            created: created, source: source, revision: revision)
    }

    /// The version to publish as: exact, computed (the next in a bump or in staging's range), or the
    /// tag that already holds this very content (then nothing is published).
    private enum Version {
        case exact(String)
        case computed(String)
        case published(String)
    }

    private func version(
        _ requested: PublishRequest.Version, of artifact: Artifact, tags: [String], store: any ArtifactStore,
        repository: PlatformRepository
    ) async throws -> Version {
        switch requested {
        case .exact(let version):
            return .exact(version)
        case .bump(let bump):
            if let existing = try await publishedTag(
                of: artifact.manifestDigest, layer: artifact.layer.digest, tags: tags, store: store)
            {
                return .published(existing)
            }
            return .computed(NextVersion.bumped(bump, tags: tags).original)
        case .next:
            if let existing = try await publishedTag(
                of: artifact.manifestDigest, layer: artifact.layer.digest, tags: tags, store: store)
            {
                return .published(existing)
            }
            guard let range = stagingRange(repository) else { throw PublishError.noStagingRange }
            return .computed(try NextVersion.inRange(try SemverRange(range), tags: tags).original)
        }
    }

    /// Uploads the config and the layer, and checks both are there before any tag points at them.
    private func uploadBlobs(
        _ artifact: Artifact, tag: String, to store: any ArtifactStore,
        progress callback: (@Sendable (UInt64, UInt64) -> Void)?
    ) async throws -> UInt64 {
        var uploaded = try await store.uploadBlob(artifact.config, digest: Digest.sha256(artifact.config))
        let total = artifact.layer.size
        var layerProgress: UploadProgress?
        if let callback {
            layerProgress = { @Sendable sent in callback(sent, total) }
        }
        uploaded += try await store.uploadBlob(
            from: artifact.layerFile, digest: artifact.layer.digest, size: artifact.layer.size, progress: layerProgress)
        // The tag is written only when every blob it references is there.
        for blob in [Digest.sha256(artifact.config), artifact.layer.digest] where try await !store.blobExists(blob) {
            throw RegistryError.unexpectedResponse(
                operation: "publishing \(tag)",
                reason: "blob \(blob) is missing after its upload; the tag was not written")
        }
        return uploaded
    }

    /// Writes the tag. Registries cannot create a tag only if it is absent, so concurrent publishers are
    /// detected: look just before writing, read back after, and look again a moment later. A computed
    /// version taken by another publisher moves on to the next one; an exact version is an error.
    private func writeTag(
        _ first: String, computed: Bool, force: Bool, artifact: Artifact, uploaded blobs: UInt64,
        store: any ArtifactStore
    ) async throws -> (tag: String, uploaded: UInt64, already: Bool, taken: [String]) {
        var tag = first
        var uploaded = blobs
        var taken: [String] = []
        while true {
            if let existing = try await store.manifestDigest(tag) {
                if existing == artifact.manifestDigest { return (tag, uploaded, taken.isEmpty && uploaded == 0, taken) }
                if !computed {
                    if !force {
                        throw PublishError.tagTaken(tag: tag, existing: existing, new: artifact.manifestDigest)
                    }
                } else {
                    taken.append(tag)
                    tag = Self.nextPatch(after: tag)
                    continue
                }
            }
            _ = try await store.putManifest(artifact.manifest, mediaType: FluxArtifact.manifestMediaType, tag: tag)
            uploaded += UInt64(artifact.manifest.count)
            var readBack = try await store.manifestDigest(tag)
            if computed, readBack == artifact.manifestDigest {
                try await Task.sleep(for: .milliseconds(Int.random(in: 150...300)))
                readBack = try await store.manifestDigest(tag)
            }
            if readBack == artifact.manifestDigest { return (tag, uploaded, false, taken) }
            guard computed else {
                throw PublishError.readBack(tag: tag, expected: artifact.manifestDigest, actual: readBack)
            }
            taken.append(tag)
            tag = Self.nextPatch(after: tag)
        }
    }

    static func nextPatch(after tag: String) -> String {
        guard let version = SemanticVersion.flux(tag) else { return tag + ".1" }
        return (tag.hasPrefix("v") ? "v" : "")
            + SemanticVersion(major: version.major, minor: version.minor, patch: version.patch + 1).normalized
    }

    /// The tag already holding this exact manifest, looked for only when the layer blob exists.
    private func publishedTag(of digest: String, layer: String, tags: [String], store: any ArtifactStore) async throws
        -> String?
    {
        guard try await store.blobExists(layer) else { return nil }
        let candidates = tags.filter { SemanticVersion.flux($0) != nil }
            .sorted { SemanticVersion.flux($0)!.compare(to: SemanticVersion.flux($1)!) > 0 }
        for tag in candidates.prefix(50) where try await store.manifestDigest(tag) == digest { return tag }
        return nil
    }

    /// The semver range of the first range-tracking environment in promotion order (staging).
    private func stagingRange(_ repository: PlatformRepository) -> String? {
        repository.environments.first {
            $0.classification.kind == .tracksRange && $0.classification.refField == .semver
        }?.classification.ref
    }

    /// The `origin` remote, else the URL of the GitRepository that a branch-tracking environment uses.
    private func sourceURL(_ repository: PlatformRepository) async throws -> String {
        if let origin = try await git.remoteURL(named: "origin", in: repository.root) { return origin }
        if let url = repository.environments.first(where: { $0.classification.kind == .tracksBranch })?.source?.url {
            return url
        }
        throw PublishError.noSource
    }

    /// The image config as flux 2.8 and earlier write it (FLUX.md §1.6), with Lockmaster's created time.
    static func config(created: String, diffID: String) -> Data {
        Data(
            #"{"architecture":"","created":"\#(created)","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["\#(diffID)"]},"config":{}}"#
                .utf8)
    }

    static func repositoryName(_ store: any ArtifactStore) -> String {
        store.location.hasPrefix("oci://") ? String(store.location.dropFirst("oci://".count)) : store.location
    }

    static func url(_ store: any ArtifactStore, digest: String) -> String {
        store.location + "@" + digest
    }
}
