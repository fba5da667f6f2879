import Foundation
import Support

/// A real OCI registry (Debian's `docker-registry`, the CNCF distribution registry) on a free
/// 127.0.0.1 port, with a throw-away configuration and storage directory. Stopped when released.
public final class LocalRegistry: @unchecked Sendable {  // immutable after init; `process` is only touched in deinit
    public enum Authentication: Sendable {
        case none
        /// htpasswd with one bcrypt user.
        case basic(username: String, password: String)
        /// Bearer tokens from `TokenService`, whose certificate the registry trusts.
        case token(TokenService)
    }

    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    /// `127.0.0.1:PORT`.
    public var host: String { "127.0.0.1:\(port)" }

    /// `oci://127.0.0.1:PORT/REPOSITORY`.
    public func url(_ repository: String) -> String { "oci://\(host)/\(repository)" }

    public init(authentication: Authentication = .none) async throws {
        directory = try TemporaryDirectory(prefix: "lockmaster-registry")
        port = try FreePort.find()
        var auth = ""
        switch authentication {
        case .none:
            break
        case .basic(let username, let password):
            let line = try await SystemProcessRunner().checkedRun(
                ProcessInvocation("htpasswd", ["-nbB", username, password])
            ).stdout
            try directory.write("htpasswd", line.trimmingCharacters(in: .whitespacesAndNewlines) + "\n")
            auth = "auth:\n  htpasswd:\n    realm: lockmaster-test\n    path: \(directory.path)/htpasswd\n"
        case .token(let service):
            auth = """
                auth:
                  token:
                    realm: \(service.realm)
                    service: \(TokenService.serviceName)
                    issuer: \(TokenService.issuer)
                    rootcertbundle: \(service.certificatePath)

                """
        }
        try directory.write(
            "config.yml",
            """
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: \(directory.path)/storage
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:\(port)
            \(auth)
            """)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", directory.url.appendingPathComponent("config.yml").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(
            forWritingTo: directory.url.appendingPathComponent("registry.log").createEmpty())
        try process.run()
        try await FreePort.waitUntilListening(
            port, process: process, log: directory.url.appendingPathComponent("registry.log"))
    }

    deinit {
        // SIGKILL: a child of a test process may inherit a blocked SIGTERM.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

extension URL {
    func createEmpty() throws -> URL {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return self
    }
}

/// Free loopback ports and waiting for a server to listen on one.
public enum FreePort {
    public static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestFailure("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    static func waitUntilListening(_ port: Int, process: Process, log: URL) async throws {
        for _ in 0..<200 {
            if isListening(port) { return }
            guard process.isRunning else {
                throw TestFailure("the server exited: " + ((try? String(contentsOf: log, encoding: .utf8)) ?? ""))
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("nothing listens on 127.0.0.1:\(port) after 5 seconds")
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A Python program that serves on a loopback port for a test: started, waited for until it listens,
/// and killed when its owner goes away.
enum LoopbackPython {
    /// Runs `python3 ARGUMENTS` (stdout discarded, stderr to `log`) and returns once `port` listens.
    static func start(_ arguments: [String], port: Int, log: URL) async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log.createEmpty())
        try process.run()
        try await FreePort.waitUntilListening(port, process: process, log: log)
        return process
    }

    static func stop(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
