import Artifacts
import Foundation
import GitKit
import Manifests
import Platform
import Support

/// Gate version-exists: the version is published in the artifact repository; returns its digest.
enum VersionExistsGate {
    static func check(_ tag: String, in store: any ArtifactStore) async throws -> String {
        guard let digest = try await store.manifestDigest(tag) else { throw PromoteError.versionMissing(version: tag, repository: store.location) }
        return digest
    }
}

/// Gate previous-environment: the environment before this one in the promotion order runs the version
/// now, or some semver range it tracked in git history admits it (it could have run it).
struct PreviousEnvironmentGate {
    let access: RegistryAccess
    let git: any GitClient

    func check(_ tag: String, _ version: SemanticVersion, digest: String, promoting environment: PlatformEnvironment,
               in repository: PlatformRepository) async throws {
        let order = repository.settings.environments
        guard let index = order.firstIndex(of: environment.name), index > 0, let previous = repository.environment(named: order[index - 1]) else { return }
        let resolved = try? await EnvironmentResolver(access: access).run(ResolveRequest(repository: repository.root, environment: previous.name))
        guard resolved?.digest != digest else { return }
        guard try await !historicallyAdmits(previous, version: version, root: repository.root) else { return }
        throw PromoteError.notRunByPrevious(version: tag, digest: digest, previous: previous.name, current: resolved?.tag)
    }

    private func historicallyAdmits(_ environment: PlatformEnvironment, version: SemanticVersion, root: URL) async throws -> Bool {
        guard let source = environment.source?.object else { return false }
        for entry in try await git.log(of: source.location.path, in: root) {
            var set = ManifestSet()
            ManifestLoader(root: root).read(data: try await git.contents(of: source.location.path, at: entry.commit, in: root),
                                            path: source.location.path, into: &set)
            for object in set.objects where object.reference == source.reference {
                if let range = OCIRepository(object)?.ref?.semver, let parsed = try? SemverRange(range), parsed.contains(version) { return true }
            }
        }
        return false
    }
}

/// Gate order: a promotion does not go below the current pin; that is a rollback, its own command.
enum OrderGate {
    static func check(_ tag: String, _ version: SemanticVersion, over current: String?, environment: String) throws {
        guard let current, let pinned = SemanticVersion.flux(current), version.compare(to: pinned) < 0 else { return }
        throw PromoteError.lowerThanPin(version: tag, current: current, environment: environment)
    }
}

/// Gate signature: an environment whose OCIRepository has `spec.verify` (its cluster refuses what no
/// trusted key signed), or that `signing.require` names, is pinned only to a version a trusted key
/// signed. Returns the verdict when the gate applied.
enum SignatureGate {
    /// Why the environment needs signed versions; nil when it does not, or when Lockmaster cannot check
    /// what the cluster will (keyless or notation verification).
    static func requirement(_ environment: PlatformEnvironment, _ source: OCIRepository, settings: LockmasterSettings) -> SignatureRequirement? {
        if let verify = source.verify, verify.provider == "cosign", let secret = verify.secretName {
            return .specVerify(secret: secret, at: source.object.location(of: ["spec", "verify"]))
        }
        return settings.signing.require.contains(environment.name) ? .settings : nil
    }

    static func check(_ tag: String, digest: String, requirement: SignatureRequirement, environment: String, store: any ArtifactStore,
                      settings: LockmasterSettings, root: URL) async throws -> SignatureVerdict {
        let keys = try SigningKeys.trusted(settings: settings, root: root)
        guard !keys.isEmpty else { throw PromoteError.noTrustedKeys(environment: environment, requirement: requirement.description) }
        let verdict = try await CosignSignatures(store: store).verify(digest: digest, keys: keys)
        guard verdict.state == .signed else {
            throw PromoteError.notSigned(version: tag, digest: digest, environment: environment, requirement: requirement.description,
                                         verdict: verdict, expected: keys.map { "\($0.name) (\($0.fingerprint))" })
        }
        return verdict
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
        case let .specVerify(secret, location): "its OCIRepository verifies signatures (spec.verify, Secret \(secret), \(location))"
        case .settings: "signing.require in lockmaster.yaml names it"
        }
    }
}
