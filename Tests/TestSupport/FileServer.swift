import Foundation

/// Python's http.server over a directory on a loopback port: the remote host of `--allow-remote` tests.
public final class FileServer: @unchecked Sendable {  // immutable after init; `process` is only touched in deinit
    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    public var host: String { "127.0.0.1:\(port)" }

    public init() async throws {
        directory = try TemporaryDirectory(prefix: "lockmaster-files")
        port = try FreePort.find()
        process = try await LoopbackPython.start(
            ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", directory.path],
            port: port, log: directory.url.appendingPathComponent(".server.log"))
    }

    deinit { LoopbackPython.stop(process) }
}
