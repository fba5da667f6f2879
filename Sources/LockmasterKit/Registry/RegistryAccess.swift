public import Artifacts
public import Foundation

/// How to reach the artifact repository: the flags and variables a command was given.
public struct RegistryAccess: Sendable {
    /// Allow plain HTTP for a non-loopback registry.
    public var insecure: Bool
    /// From `--username` and `--password-stdin`.
    public var credentials: RegistryCredentials?
    public var environment: [String: String]

    public init(insecure: Bool = false, credentials: RegistryCredentials? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.insecure = insecure
        self.credentials = credentials
        self.environment = environment
    }

    /// A store for `target`: `oci://HOST/REPO` is a registry, anything else a layout directory
    /// (relative paths are taken from `base`, the repository root).
    public func store(for target: String, relativeTo base: URL) async throws -> any ArtifactStore {
        if target.hasPrefix("oci://") {
            let endpoint = try RegistryEndpoint.parse(target, insecure: insecure)
            let credentials = try await CredentialResolver(explicit: credentials, environment: environment).credentials(for: endpoint.host)
            return RegistryClient(endpoint: endpoint, credentials: credentials)
        }
        if target.contains("://") { throw RegistryError.invalidURL(target) }
        return OCILayoutStore(root: URL(fileURLWithPath: target, relativeTo: base).standardizedFileURL)
    }
}
