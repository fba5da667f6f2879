import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Why a registry could not be reached, read from the transport's error types (never from the words of
/// their messages), and whether another try can help.
public enum NetworkFailure: Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens there: not retried.
    case refused
    /// The name does not resolve: not retried.
    case unknownHost
    /// TLS failed, as it does against a plain-HTTP registry: not retried.
    case tls(String)
    case connectTimeout
    /// No answer before the operation's deadline.
    case deadline
    /// Anything else the connection met (reset, closed early, a truncated answer): retried.
    case other(String)

    public var isTransient: Bool {
        switch self {
        case .refused, .unknownHost, .tls: false
        case .connectTimeout, .deadline, .other: true
        }
    }

    public var description: String {
        switch self {
        case .refused: "connection refused"
        case .unknownHost: "unknown host (the name does not resolve)"
        case .tls(let detail): "TLS failed (\(detail))"
        case .connectTimeout: "connection timed out"
        case .deadline: "no answer before the deadline"
        case .other(let detail): detail
        }
    }

    public static func classify(_ error: any Error) -> NetworkFailure {
        if let error = error as? HTTPClientError {
            if error == .connectTimeout { return .connectTimeout }
            if error == .deadlineExceeded { return .deadline }
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return classify(first.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return .unknownHost }
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return .refused }
        // NIO's resolver throws SocketAddressError.UnknownHost; older releases threw a case of SocketAddressError.
        if error is SocketAddressError.UnknownHost || error is SocketAddressError { return .unknownHost }
        if error is ChannelError, case .connectTimeout? = error as? ChannelError { return .connectTimeout }
        // NIOSSL's and BoringSSL's error types, known by their module (Artifacts does not link them).
        let type = String(reflecting: Swift.type(of: error))
        if type.hasPrefix("NIOSSL.") || type.contains("BoringSSL") { return .tls(String(describing: error)) }
        return .other(String(describing: error))
    }
}
