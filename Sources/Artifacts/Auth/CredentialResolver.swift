public import Foundation
public import Support

/// Why credentials could not be read.
public enum CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    case helperFailed(helper: String, host: String, reason: String)
    case unreadableConfig(path: String, reason: String)

    public var description: String {
        switch self {
        case .helperFailed(let helper, let host, let reason):
            return "the credential helper docker-credential-\(helper) failed for \(host): \(reason)"
        case .unreadableConfig(let path, let reason):
            return "cannot read \(path): \(reason)"
        }
    }
}

/// Finds credentials for a registry host, in this order: explicit (flags), the environment
/// (`LOCKMASTER_REGISTRY_USERNAME`/`LOCKMASTER_REGISTRY_PASSWORD`), then docker's `config.json`
/// (`credHelpers[host]`, `credsStore`, `auths[host]`). Nothing found means anonymous access.
/// Flags and environment name no host, so they go only to `explicitHost` (the artifact repository's):
/// a branch that names another registry gets only what docker's store holds for that exact host.
public struct CredentialResolver: Sendable {
    public var explicit: RegistryCredentials?
    public var environment: [String: String]
    /// The one host flags and environment credentials are for; nil: none.
    public var explicitHost: String?
    private let runner: any ProcessRunner

    public init(
        explicit: RegistryCredentials? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        explicitHost: String? = nil, runner: any ProcessRunner = SystemProcessRunner()
    ) {
        self.explicit = explicit
        self.environment = environment
        self.explicitHost = explicitHost
        self.runner = runner
    }

    /// `$DOCKER_CONFIG/config.json`, or `~/.docker/config.json`.
    var configPath: URL {
        if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty {
            return URL(fileURLWithPath: directory).appendingPathComponent("config.json")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".docker/config.json")
    }

    struct DockerConfig: Decodable {
        struct Entry: Decodable {
            var auth: String?
            var username: String?
            var password: String?
            var identitytoken: String?
        }
        var auths: [String: Entry]?
        var credHelpers: [String: String]?
        var credsStore: String?
    }

    public func credentials(for host: String) async throws -> RegistryCredentials? {
        if host == explicitHost, let explicit { return explicit }
        if host == explicitHost, let username = environment["LOCKMASTER_REGISTRY_USERNAME"],
            let password = environment["LOCKMASTER_REGISTRY_PASSWORD"]
        {
            return RegistryCredentials(username: username, password: password)
        }
        guard let data = FileManager.default.contents(atPath: configPath.path) else { return nil }
        let config: DockerConfig
        do { config = try JSONDecoder().decode(DockerConfig.self, from: data) } catch {
            throw CredentialError.unreadableConfig(path: configPath.path, reason: "it is not valid JSON")
        }
        if let helper = config.credHelpers?[host] { return try await fromHelper(helper, host: host) }
        if let entry = config.auths?.first(where: { Self.host(of: $0.key) == host })?.value {
            if let auth = entry.auth,
                let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
                let colon = decoded.firstIndex(of: ":")
            {
                return RegistryCredentials(
                    username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
            }
            if let username = entry.username, let password = entry.password {
                return RegistryCredentials(username: username, password: password)
            }
        }
        if let store = config.credsStore { return try await fromHelper(store, host: host) }
        return nil
    }

    /// `auths` keys may be `host`, `https://host` or `https://host/v1/`.
    static func host(of key: String) -> String {
        var text = Substring(key)
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = text.dropFirst(scheme.count) }
        return String(text.prefix { $0 != "/" })
    }

    /// `docker-credential-NAME get`, host on stdin, `{"Username":…,"Secret":…}` on stdout.
    private func fromHelper(_ name: String, host: String) async throws -> RegistryCredentials? {
        let output = try await runner.run(
            ProcessInvocation(
                "docker-credential-\(name)", ["get"], timeout: .seconds(30), standardInput: Data(host.utf8)))
        if output.status != 0 {
            // Helpers say "credentials not found" when they have nothing for this host: anonymous then.
            if output.stdout.contains("credentials not found") || output.stderr.contains("credentials not found") {
                return nil
            }
            throw CredentialError.helperFailed(helper: name, host: host, reason: "exit status \(output.status)")
        }
        // docker-credential-helpers' answer: {"Username": …, "Secret": …}.
        struct Answer: Decodable {
            var username: String
            var secret: String

            private enum CodingKeys: String, CodingKey {
                case username = "Username"
                case secret = "Secret"
            }
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: output.standardOutput) else {
            throw CredentialError.helperFailed(helper: name, host: host, reason: "its answer is not the expected JSON")
        }
        return RegistryCredentials(username: answer.username, password: answer.secret)
    }
}
