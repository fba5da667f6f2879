import Artifacts
import Foundation
import GitKit
import Manifests
import Platform
import Support

/// A promotion gate's name, as refusals, `promote --help` and the commit message give it.
enum GateID: String, Sendable {
    case cleanTree = "clean-tree"
    case versionExists = "version-exists"
    case signature
    case previousEnvironment = "previous-environment"
    case order
}

/// What the gates judge, read once before the first runs.
struct GateInput: Sendable {
    var tag: String
    var version: SemanticVersion
    /// The version's manifest digest in the artifact repository; nil when it is not published.
    var digest: String?
    var environment: PlatformEnvironment
    var source: OCIRepository
    var repository: PlatformRepository
    /// The pin being replaced.
    var current: String?
    var rollback: Bool
    var force: Bool
    var store: any ArtifactStore
}

/// One promotion gate: its id, what it asks in a few words (a line of `promote --help`), whether
/// `--force --reason` passes it, and the check, which throws the refusal that names it.
protocol PromotionGate: Sendable {
    static var id: GateID { get }
    static var summary: String { get }
    func check(_ input: GateInput) async throws -> GatePass
}

/// What a gate that let a promotion through says of it.
enum GatePass: Sendable {
    case passed
    /// The gate does not apply here (forced past, or nothing to judge).
    case notApplicable
    /// The signature gate: the verdict that let it through.
    case signed(SignatureVerdict)
}

/// Every gate, in the order they run and `promote --help` lists them (clean-tree runs first, before
/// anything is read).
public enum PromotionGates {
    static let cleanTree = (id: GateID.cleanTree, summary: "the work tree has no uncommitted changes")

    static func all(access: RegistryAccess, git: any GitClient) -> [any PromotionGate] {
        [VersionExistsGate(), SignatureGate(), PreviousEnvironmentGate(access: access, git: git), OrderGate()]
    }

    /// `id  summary`, one line per gate, for `promote --help`.
    public static var help: String {
        HelpList.render([
            (cleanTree.id.rawValue, cleanTree.summary), (VersionExistsGate.id.rawValue, VersionExistsGate.summary),
            (SignatureGate.id.rawValue, SignatureGate.summary),
            (PreviousEnvironmentGate.id.rawValue, PreviousEnvironmentGate.summary),
            (OrderGate.id.rawValue, OrderGate.summary),
        ])
    }
}

/// Gate version-exists: the version is published in the artifact repository.
struct VersionExistsGate: PromotionGate {
    static let id = GateID.versionExists
    static let summary = "VERSION is published in the artifact repository"

    func check(_ input: GateInput) async throws -> GatePass {
        guard input.digest != nil else {
            throw PromoteError.versionMissing(version: input.tag, repository: input.store.location)
        }
        return .passed
    }
}

/// Gate previous-environment: the environment before this one in the promotion order runs the version
/// now, or some semver range it tracked in git history admits it (it could have run it).
struct PreviousEnvironmentGate: PromotionGate {
    static let id = GateID.previousEnvironment
    static let summary =
        "its digest is what the previous environment resolves to now, or a range that environment tracked in git history admits it (--force passes)"
    let access: RegistryAccess
    let git: any GitClient

    func check(_ input: GateInput) async throws -> GatePass {
        let repository = input.repository
        let environment = input.environment
        guard !input.force, let digest = input.digest else { return .notApplicable }
        let order = repository.settings.environments
        guard let index = order.firstIndex(of: environment.name), index > 0,
            let previous = repository.environment(named: order[index - 1])
        else {
            return .notApplicable
        }
        let resolved = try? await EnvironmentResolver(access: access).run(
            ResolveRequest(repository: repository.root, environment: previous.name))
        guard resolved?.digest != digest else { return .passed }
        guard try await !historicallyAdmits(previous, version: input.version, root: repository.root) else {
            return .passed
        }
        throw PromoteError.notRunByPrevious(
            version: input.tag, digest: digest, previous: previous.name, current: resolved?.tag)
    }

    private func historicallyAdmits(_ environment: PlatformEnvironment, version: SemanticVersion, root: URL)
        async throws -> Bool
    {
        guard let source = environment.source?.object else { return false }
        for entry in try await git.log(of: source.location.path, in: root) {
            var set = ManifestSet()
            ManifestLoader(root: root).read(
                data: try await git.contents(of: source.location.path, at: entry.commit, in: root),
                path: source.location.path, into: &set)
            for object in set.objects where object.reference == source.reference {
                if let range = OCIRepository(object)?.ref?.semver, let parsed = try? SemverRange(range),
                    parsed.contains(version)
                {
                    return true
                }
            }
        }
        return false
    }
}

/// Gate order: a promotion does not go below the current pin; that is a rollback, its own command.
struct OrderGate: PromotionGate {
    static let id = GateID.order
    static let summary = "VERSION is not lower than the current pin: that is a rollback (--force passes)"

    func check(_ input: GateInput) async throws -> GatePass {
        guard !input.force, !input.rollback else { return .notApplicable }
        guard let current = input.current, let pinned = SemanticVersion.flux(current),
            input.version.compare(to: pinned) < 0
        else { return .passed }
        throw PromoteError.lowerThanPin(version: input.tag, current: current, environment: input.environment.name)
    }
}

/// Gate signature: an environment whose OCIRepository has `spec.verify` (its cluster refuses what no
/// trusted key signed), or that `signing.require` names, is pinned only to a version a trusted key
/// signed.
struct SignatureGate: PromotionGate {
    static let id = GateID.signature
    static let summary =
        "a trusted key signed VERSION, where spec.verify or signing.require asks for it (--force passes only signing.require)"

    /// Why the environment needs signed versions; nil when it does not, or when Lockmaster cannot check
    /// what the cluster will (keyless or notation verification).
    static func requirement(_ environment: PlatformEnvironment, _ source: OCIRepository, settings: LockmasterSettings)
        -> SignatureRequirement?
    {
        if let verify = source.verify, verify.provider == "cosign", let secret = verify.secretName {
            return .specVerify(secret: secret, at: source.object.location(of: ["spec", "verify"]))
        }
        return settings.signing.require.contains(environment.name) ? .settings : nil
    }

    func check(_ input: GateInput) async throws -> GatePass {
        let settings = input.repository.settings
        let environment = input.environment.name
        guard let digest = input.digest,
            let requirement = Self.requirement(input.environment, input.source, settings: settings),
            !(input.force && requirement.forceable)
        else { return .notApplicable }
        let keys = try SigningKeys.trusted(settings: settings, root: input.repository.root)
        guard !keys.isEmpty else {
            throw PromoteError.noTrustedKeys(environment: environment, requirement: requirement.description)
        }
        let verdict = try await CosignSignatures(store: input.store).verify(digest: digest, keys: keys)
        guard verdict.state == .signed else {
            throw PromoteError.notSigned(
                version: input.tag, digest: digest, environment: environment, requirement: requirement.description,
                verdict: verdict, expected: keys.map { "\($0.name) (\($0.fingerprint))" })
        }
        return .signed(verdict)
    }
}

/// Why an environment must run signed versions.
enum SignatureRequirement: Sendable, CustomStringConvertible {
    /// Its OCIRepository has `spec.verify` with a Secret of public keys: Flux itself would refuse.
    case specVerify(secret: String, at: SourceLocation)
    /// `signing.require` in lockmaster.yaml names it.
    case settings

    /// `--force` passes only a requirement of Lockmaster's own: past `spec.verify` the cluster refuses anyway.
    var forceable: Bool { if case .settings = self { true } else { false } }

    var description: String {
        switch self {
        case .specVerify(let secret, let location):
            "its OCIRepository verifies signatures (spec.verify, Secret \(secret), \(location))"
        case .settings: "signing.require in lockmaster.yaml names it"
        }
    }
}
