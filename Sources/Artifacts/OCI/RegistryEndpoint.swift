/// `oci://HOST[:PORT]/REPOSITORY` split into its parts, with the scheme decided safely:
/// HTTPS always, plain HTTP only when asked (`--insecure`) or for a loopback host.
public struct RegistryEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var repository: String
    public var plainHTTP: Bool

    public init(host: String, repository: String, plainHTTP: Bool) {
        self.host = host
        self.repository = repository
        self.plainHTTP = plainHTTP
    }

    /// - Throws: `RegistryError.invalidURL` for anything but `oci://host/repo` without tag or digest.
    public static func parse(_ url: String, insecure: Bool = false) throws(RegistryError) -> RegistryEndpoint {
        guard url.hasPrefix("oci://") else { throw .invalidURL(url) }
        let rest = url.dropFirst("oci://".count)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else { throw .invalidURL(url) }
        let host = String(rest[..<slash])
        let repository = String(rest[rest.index(after: slash)...])
        let validRepository =
            !repository.isEmpty && !repository.hasSuffix("/") && !repository.contains("//")
            && repository.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || "._-/".contains($0) }
        guard validRepository, !host.contains("@") else { throw .invalidURL(url) }
        return RegistryEndpoint(host: host, repository: repository, plainHTTP: insecure || isLoopback(host))
    }

    /// `localhost`, `127.0.0.0/8` or `[::1]`, with or without a port.
    public static func isLoopback(_ host: String) -> Bool {
        var name = host
        if name.hasPrefix("[") {
            name = String(name.dropFirst().prefix { $0 != "]" })
            return name == "::1"
        }
        if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        return name == "localhost" || name.hasPrefix("127.")
    }

    public var baseURL: String { (plainHTTP ? "http://" : "https://") + host }

    /// The host without its port (`127.0.0.1` of `127.0.0.1:5000`).
    public var hostName: String {
        if host.hasPrefix("[") { return String(host.dropFirst().prefix { $0 != "]" }) }
        return host.split(separator: ":").first.map(String.init) ?? host
    }

    /// Whether `url` has this registry's scheme, host and port: only there do credentials go.
    public func isSameOrigin(_ url: String) -> Bool {
        let base = baseURL
        return url == base || url.hasPrefix(base + "/") || url.hasPrefix(base + "?")
    }
    public var description: String { "oci://\(host)/\(repository)" }
}
