import Artifacts
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Retries are decided by the transport's error types: a refused connection, an unknown name and a TLS
/// failure are final; a timeout, a deadline or a dropped connection may pass on another try.
@Suite struct NetworkFailureTests {
    @Test func errorsAreClassifiedByType() {
        #expect(NetworkFailure.classify(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .refused)
        #expect(NetworkFailure.classify(IOError(errnoCode: ECONNRESET, reason: "read")).isTransient)
        #expect(NetworkFailure.classify(HTTPClientError.deadlineExceeded) == .deadline)
        #expect(NetworkFailure.classify(HTTPClientError.connectTimeout) == .connectTimeout)
        // What NIO's resolver throws for a name that does not resolve (`.invalid` never does).
        #expect(throws: (any Error).self) {
            _ = try SocketAddress.makeAddressResolvingHost("registry.invalid", port: 443)
        }
        do {
            _ = try SocketAddress.makeAddressResolvingHost("registry.invalid", port: 443)
        } catch {
            #expect(NetworkFailure.classify(error) == .unknownHost, "\(type(of: error))")
        }
        #expect(NetworkFailure.classify(ChannelError.connectTimeout(.seconds(1))) == .connectTimeout)
        #expect(NetworkFailure.classify(HTTPClientError.remoteConnectionClosed).isTransient)
    }

    @Test func onlyWhatAnotherTryCanFixIsRetried() {
        for failure in [NetworkFailure.refused, .unknownHost, .tls("handshake")] {
            #expect(!failure.isTransient, "\(failure)")
        }
        for failure in [NetworkFailure.connectTimeout, .deadline, .other("reset")] {
            #expect(failure.isTransient, "\(failure)")
        }
        // The words of a message do not decide: an error that merely says "connection refused" is retried.
        struct Worded: Error, CustomStringConvertible { var description: String { "connection refused" } }
        #expect(NetworkFailure.classify(Worded()).isTransient)
    }
}
