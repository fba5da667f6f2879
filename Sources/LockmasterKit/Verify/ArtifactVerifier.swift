public import Artifacts
public import Foundation
import Platform

/// What `lockmaster verify` is asked: an environment (what it resolves to now) or a version.
public struct VerifyRequest: Sendable {
    public var repository: URL
    /// An environment's name, or a version published in the artifact repository.
    public var target: String
    /// Public key files that replace `signing.trustedKeys` (`--key`).
    public var keys: [String]
    /// The artifact repository; defaults to `artifact` in lockmaster.yaml, then the environment's URL.
    public var from: String?

    public init(repository: URL, target: String, keys: [String] = [], from: String? = nil) {
        self.repository = repository
        self.target = target
        self.keys = keys
        self.from = from
    }
}

/// What `lockmaster verify` found (`-o json`).
public struct VerifyReport: Sendable, Codable, Equatable {
    public struct TrustedKey: Sendable, Codable, Equatable {
        public var name: String
        public var fingerprint: String
    }

    public var environment: String?
    public var repository: String
    public var tag: String?
    public var digest: String
    public var signature: SignatureVerdict
    public var trustedKeys: [TrustedKey]
}

public enum VerifyError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownTarget(String, environments: [String])
    case versionMissing(version: String, repository: String)

    public var description: String {
        switch self {
        case .unknownTarget(let target, let environments):
            return
                "'\(target)' is neither an environment (\(environments.joined(separator: ", "))) nor a version (MAJOR.MINOR.PATCH)"
        case .versionMissing(let version, let repository):
            return "\(version) is not published in \(repository)"
        }
    }
}

/// Checks the cosign signatures of what an environment resolves to, or of a version, against the
/// trusted keys, as Flux's `spec.verify` does (docs/flux-facts.md §3).
public struct ArtifactVerifier: Sendable {
    private let access: RegistryAccess

    public init(access: RegistryAccess = RegistryAccess()) { self.access = access }

    public func run(_ request: VerifyRequest) async throws -> VerifyReport {
        let root = request.repository
        let repository = try PlatformRepository.load(root: root)
        let keys = try SigningKeys.trusted(settings: repository.settings, root: root, explicit: request.keys)
        guard !keys.isEmpty else { throw SigningError.noTrustedKeys }
        let trusted = keys.map { VerifyReport.TrustedKey(name: $0.name, fingerprint: $0.fingerprint) }
        if repository.environment(named: request.target) != nil {
            // The resolver checks what it resolved against the same keys.
            var resolve = ResolveRequest(repository: root, environment: request.target, from: request.from)
            resolve.keys = request.keys
            let resolved = try await EnvironmentResolver(access: access).run(resolve)
            guard let verdict = resolved.signature else { throw SigningError.noTrustedKeys }
            return VerifyReport(
                environment: request.target, repository: resolved.repository, tag: resolved.tag,
                digest: resolved.digest,
                signature: verdict, trustedKeys: trusted)
        }
        guard SemanticVersion.flux(request.target) != nil else {
            throw VerifyError.unknownTarget(request.target, environments: repository.environments.map(\.name))
        }
        guard let target = request.from ?? repository.settings.artifact else { throw ResolveError.noRepository }
        let store = try await access.store(for: target, relativeTo: root, artifact: repository.settings.artifact)
        guard let digest = try await store.manifestDigest(request.target) else {
            throw VerifyError.versionMissing(version: request.target, repository: store.location)
        }
        let verdict = try await CosignSignatures(store: store).verify(digest: digest, keys: keys)
        return VerifyReport(
            environment: nil, repository: store.location, tag: request.target, digest: digest, signature: verdict,
            trustedKeys: trusted)
    }
}
