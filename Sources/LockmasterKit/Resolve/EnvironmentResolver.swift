public import Artifacts
public import Foundation
public import GitKit
import Manifests
public import Platform

/// What `lockmaster resolve` is asked: an environment, or a range against a repository.
public struct ResolveRequest: Sendable {
    public var repository: URL?
    public var environment: String?
    public var range: String?
    public var filter: String?
    /// `oci://HOST/REPO` or a layout directory; defaults to `artifact` in lockmaster.yaml, then the environment's URL.
    public var from: String?
    /// Compare a range environment's answer with what it ran (git history): a lower one is a downgrade.
    public var checkDowngrade: Bool = false
    /// Public key files that replace `signing.trustedKeys` for the signature check (`verify --key`).
    public var keys: [String] = []

    public init(
        repository: URL?, environment: String? = nil, range: String? = nil, filter: String? = nil, from: String? = nil,
        checkDowngrade: Bool = false
    ) {
        self.checkDowngrade = checkDowngrade
        self.repository = repository
        self.environment = environment
        self.range = range
        self.filter = filter
        self.from = from
    }
}

/// What an environment's source resolves to right now, exactly as Flux would pick it.
public struct ResolveReport: Sendable, Codable, Equatable {
    public struct Candidate: Sendable, Codable, Equatable {
        public var tag: String
        /// Same precedence as the chosen tag: Flux may pick either (its sort is unstable).
        public var tie: Bool
    }

    public var environment: String?
    public var repository: String
    /// `semver`, `tag` or `digest`.
    public var refField: RefField
    public var ref: String
    public var semverFilter: String?
    public var tag: String?
    public var digest: String
    /// The revision Flux reports: `<tag>@sha256:<hex>`, or the digest alone for a digest pin.
    public var revision: String
    public var source: String?
    public var sourceRevision: String?
    public var created: String?
    /// Every admitted tag, highest first (ranges only).
    public var candidates: [Candidate]
    /// The digest's cosign signatures checked against `signing.trustedKeys`; nil when none are configured.
    public var signature: SignatureVerdict?
    /// Set when the range resolves lower than a version the environment already ran.
    public var downgrade: Downgrade?
}

/// Why an environment could not be resolved.
public enum ResolveError: Error, Sendable, Equatable, CustomStringConvertible {
    case notOCI(environment: String, kind: String, ref: String?)
    case noRepository
    case tagMissing(tag: String, repository: String)
    case digestMissing(digest: String, repository: String)
    case missingArguments

    public var description: String {
        switch self {
        case .notOCI(let environment, let kind, let ref):
            return
                "\(environment) \(kind == "tracks-branch" ? "tracks branch \(ref ?? "?")" : "is \(kind)"), not OCI artifacts; resolve works on environments whose platform source is an OCIRepository"
        case .noRepository:
            return
                "no artifact repository: pass --from oci://HOST/REPO (or a layout directory), or set 'artifact' in lockmaster.yaml"
        case .tagMissing(let tag, let repository):
            return "tag \(tag) does not exist in \(repository); publish it, or pin an existing tag"
        case .digestMissing(let digest, let repository):
            return "\(digest) does not exist in \(repository)"
        case .missingArguments:
            return "name an environment (lockmaster resolve staging), or give --range and --from"
        }
    }
}

/// Resolves an environment's OCIRepository (or a bare range) against the artifact repository.
public struct EnvironmentResolver: Sendable {
    private let access: RegistryAccess
    private let git: any GitClient

    public init(access: RegistryAccess = RegistryAccess(), git: any GitClient = ProcessGitClient()) {
        self.access = access
        self.git = git
    }

    public func run(_ request: ResolveRequest) async throws -> ResolveReport {
        var refField = RefField.semver
        var ref = request.range
        var filter = request.filter
        var target = request.from
        var artifact = request.from
        var trusted: [PublicKey] = []
        var loaded: (PlatformRepository, PlatformEnvironment)?
        let base = request.repository ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let name = request.environment {
            guard let root = request.repository else { throw ResolveError.missingArguments }
            let repository = try PlatformRepository.load(root: root)
            guard let environment = repository.environment(named: name) else {
                throw RepositoryStateError.unknownEnvironment(name, in: repository)
            }
            guard case .oci(let source) = environment.source, let field = environment.classification.refField,
                environment.classification.kind != .unknown || field == .tag
            else {
                throw ResolveError.notOCI(
                    environment: name, kind: environment.classification.kind.rawValue,
                    ref: environment.classification.ref)
            }
            trusted = try SigningKeys.trusted(settings: repository.settings, root: root, explicit: request.keys)
            loaded = (repository, environment)
            refField = field
            ref = environment.classification.ref
            filter = environment.classification.semverFilter
            target = target ?? repository.settings.artifact ?? source.url
            artifact = artifact ?? repository.settings.artifact
        }
        guard let ref else { throw ResolveError.missingArguments }
        guard let target else { throw ResolveError.noRepository }
        let store = try await access.store(for: target, relativeTo: base, artifact: artifact)

        var report = ResolveReport(
            environment: request.environment, repository: store.location, refField: refField, ref: ref,
            semverFilter: filter, tag: nil, digest: "", revision: "", candidates: [])
        switch refField {
        case .digest:
            guard try await store.manifest(ref) != nil else {
                throw ResolveError.digestMissing(digest: ref, repository: store.location)
            }
            report.digest = ref
            report.revision = ref
        case .tag:
            guard let digest = try await store.manifestDigest(ref) else {
                throw ResolveError.tagMissing(tag: ref, repository: store.location)
            }
            report.tag = ref
            report.digest = digest
            report.revision = "\(ref)@\(digest)"
        case .semver, .branch, .commit, .name:
            let range = try SemverRange(ref)  // a bad range is reported before any network call
            let selection = try TagSelector.select(from: try await store.listTags(), range: range, filter: filter)
            guard let digest = try await store.manifestDigest(selection.tag) else {
                throw ResolveError.tagMissing(tag: selection.tag, repository: store.location)
            }
            report.tag = selection.tag
            report.digest = digest
            report.revision = "\(selection.tag)@\(digest)"
            report.candidates = selection.candidates.map { .init(tag: $0, tie: selection.ties.contains($0)) }
        }
        if let manifest = try await store.manifest(report.digest).flatMap({ OCIManifest.decode($0.data) }) {
            report.source = manifest.annotations?[FluxArtifact.sourceAnnotation]
            report.sourceRevision = manifest.annotations?[FluxArtifact.revisionAnnotation]
            report.created = manifest.annotations?[FluxArtifact.createdAnnotation]
        }
        if !trusted.isEmpty {
            report.signature = try await CosignSignatures(store: store).verify(digest: report.digest, keys: trusted)
        }
        if request.checkDowngrade, let (repository, environment) = loaded, let tag = report.tag {
            report.downgrade = await DowngradeGuard(git: git, access: access).check(
                environment, resolved: tag, repository: repository)
        }
        return report
    }
}
