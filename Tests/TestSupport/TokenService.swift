import Foundation

/// A small token service for distribution's token authentication: it checks basic credentials and
/// signs RS256 JWTs with a fresh self-signed certificate the registry is told to trust.
/// Runs `token_service.py` (Python's `cryptography`), beside this file.
public final class TokenService: @unchecked Sendable {  // immutable after init; `process` is only touched in deinit
    public static let serviceName = "lockmaster-test"
    public static let issuer = "lockmaster-test-issuer"

    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    public var realm: String { "http://127.0.0.1:\(port)/token" }
    public var certificatePath: String { directory.url.appendingPathComponent("cert.pem").path }

    public init(username: String, password: String) async throws {
        directory = try TemporaryDirectory(prefix: "lockmaster-token")
        port = try FreePort.find()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "token_service.py")
        process = try await LoopbackPython.start(
            [script.path, String(port), directory.path, username, password, Self.serviceName, Self.issuer],
            port: port, log: directory.url.appendingPathComponent("token.log"))
    }

    deinit { LoopbackPython.stop(process) }
}
