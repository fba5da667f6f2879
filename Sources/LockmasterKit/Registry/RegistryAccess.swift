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

    public init(
        insecure: Bool = false, credentials: RegistryCredentials? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Duration = .seconds(60), retry: RetryPolicy = RetryPolicy(), statistics: RegistryStatistics? = nil
    ) {
        self.insecure = insecure
        self.credentials = credentials
        self.environment = environment
        self.timeout = timeout
        self.retry = retry
        self.statistics = statistics
    }

    /// A store for `target`: `oci://HOST/REPO` is a registry, anything else a layout directory
    /// (relative paths are taken from `base`, the repository root). `artifact` is the artifact
    /// repository the command works on (`--to`, or `artifact` in lockmaster.yaml): the flags' and
    /// environment's credentials go only to its host, or to `LOCKMASTER_REGISTRY_HOST` when set —
    /// which CI should set, since a branch under review can edit lockmaster.yaml. With it set, no other
    /// registry is contacted at all.
    public func store(for target: String, relativeTo base: URL, artifact: String?) async throws -> any ArtifactStore {
        if target.hasPrefix("oci://") {
            let endpoint = try RegistryEndpoint.parse(target, insecure: insecure)
            let pinned = environment["LOCKMASTER_REGISTRY_HOST"].flatMap { $0.isEmpty ? nil : $0 }
            if let pinned, pinned != endpoint.host {
                throw RegistryError.hostNotAllowed(host: endpoint.host, allowed: pinned)
            }
            let trusted = pinned ?? artifact.flatMap { try? RegistryEndpoint.parse($0).host }
            let credentials = try await CredentialResolver(
                explicit: credentials, environment: environment, explicitHost: trusted
            )
            .credentials(for: endpoint.host)
            return RegistryClient(
                endpoint: endpoint, credentials: credentials, requestTimeout: timeout, retry: retry,
                statistics: statistics ?? RegistryStatistics())
        }
        if target.contains("://") { throw RegistryError.invalidURL(target) }
        return OCILayoutStore(root: URL(fileURLWithPath: target, relativeTo: base).standardizedFileURL)
    }
}
