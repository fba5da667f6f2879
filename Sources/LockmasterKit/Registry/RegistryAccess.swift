public import Artifacts
public import Foundation

/// How to reach the artifact repository: the flags and variables a command was given.
public struct RegistryAccess: Sendable {
    /// Allow plain HTTP for a non-loopback registry.
    public var insecure: Bool
    /// From `--username` and `--password-stdin`.
    public var credentials: RegistryCredentials?
    public var environment: [String: String]
    /// How long one request may take, and how failures are retried.
    public var timeout: Duration
    public var retry: RetryPolicy
    /// Where the clients count their retries, if anywhere.
    public var statistics: RegistryStatistics?

    public init(insecure: Bool = false, credentials: RegistryCredentials? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                timeout: Duration = .seconds(60), retry: RetryPolicy = RetryPolicy(), statistics: RegistryStatistics? = nil) {
        self.insecure = insecure
        self.credentials = credentials
        self.environment = environment
        self.timeout = timeout
        self.retry = retry
        self.statistics = statistics
    }

    /// A store for `target`: `oci://HOST/REPO` is a registry, anything else a layout directory
    /// (relative paths are taken from `base`, the repository root).
    public func store(for target: String, relativeTo base: URL) async throws -> any ArtifactStore {
        if target.hasPrefix("oci://") {
            let endpoint = try RegistryEndpoint.parse(target, insecure: insecure)
            let credentials = try await CredentialResolver(explicit: credentials, environment: environment).credentials(for: endpoint.host)
            return RegistryClient(endpoint: endpoint, credentials: credentials, requestTimeout: timeout, retry: retry,
                                  statistics: statistics ?? RegistryStatistics())
        }
        if target.contains("://") { throw RegistryError.invalidURL(target) }
        return OCILayoutStore(root: URL(fileURLWithPath: target, relativeTo: base).standardizedFileURL)
    }
}
