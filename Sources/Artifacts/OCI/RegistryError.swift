/// One entry of a registry's `{"errors": [...]}` body (OCI distribution spec error codes).
public struct RegistryErrorCode: Sendable, Equatable, Codable {
    public var code: String
    public var message: String?
}

/// Why a registry operation failed. Credentials never appear in these messages.
public enum RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    /// The connection failed during `operation` (nil while fetching a token), for `failure`.
    case unreachable(host: String, operation: String?, failure: NetworkFailure)
    case authenticationRequired(host: String)
    case authenticationFailed(host: String)
    case failed(operation: String, status: Int, errors: [RegistryErrorCode])
    case digestMismatch(what: String, expected: String, actual: String)
    case unexpectedResponse(operation: String, reason: String)
    /// An answer larger than the descriptor announced or than Lockmaster accepts: never retried.
    case tooLarge(what: String, limit: Int)
    /// Where credentials would go to a place the registry does not own.
    case unsafeRedirect(operation: String, reason: String)
    /// `LOCKMASTER_REGISTRY_HOST` is set and the repository names another registry.
    case hostNotAllowed(host: String, allowed: String)

    public var description: String {
        switch self {
        case .tooLarge(let what, let limit):
            return "\(what) is larger than \(limit) bytes, the size announced or allowed; it was not read further"
        case .hostNotAllowed(let host, let allowed):
            return
                "the repository names the registry \(host), but LOCKMASTER_REGISTRY_HOST allows only \(allowed); it was not contacted"
        case .unsafeRedirect(let operation, let reason):
            return "\(operation): \(reason); refusing to send credentials there"
        case .invalidURL(let url):
            return "\(url) is not an OCI repository URL; write it as oci://HOST/REPOSITORY (no tag, no digest)"
        case .unreachable(let host, let operation, let failure):
            // --insecure helps only when TLS met a plain-HTTP registry; a name or a network cannot be fixed by it.
            let fix =
                if case .tls = failure { "check the URL, or pass --insecure for a plain-HTTP registry" } else {
                    "check the URL and your network"
                }
            return "cannot reach the registry \(host): \(operation.map { "\($0): " } ?? "")\(failure); \(fix)"
        case .authenticationRequired(let host):
            return
                "the registry \(host) requires authentication; pass --username and --password-stdin, set LOCKMASTER_REGISTRY_USERNAME and LOCKMASTER_REGISTRY_PASSWORD, or run docker login"
        case .authenticationFailed(let host):
            return "the registry \(host) rejected the credentials; check the username and password (or token)"
        case .failed(let operation, let status, let errors):
            let detail = errors.map { $0.code + ($0.message.map { ": \($0)" } ?? "") }.joined(separator: "; ")
            return "\(operation) failed with HTTP \(status)" + (detail.isEmpty ? "" : " (\(detail))")
        case .digestMismatch(let what, let expected, let actual):
            return "\(what): the registry answered with digest \(actual), expected \(expected)"
        case .unexpectedResponse(let operation, let reason):
            return "\(operation): unexpected response from the registry: \(reason)"
        }
    }
}

extension RegistryError {
    /// Worth another try: a dropped or stalled connection, a truncated answer, 429 or a 5xx.
    /// A refused connection or an unknown host is not: nothing will answer there.
    public var isTransient: Bool {
        switch self {
        case .unreachable(_, _, let failure):
            return failure.isTransient
        case .failed(_, let status, _): return status == 429 || (500...504).contains(status)
        default: return false
        }
    }
}
