import Foundation

/// `fault_proxy.py` between Lockmaster and a `LocalRegistry`: injects resets, 5xx, 429, stalls and
/// truncated answers at a given rate, and counts them.
public final class FaultProxy: @unchecked Sendable {  // immutable after init; `process` is only touched in deinit
    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    public var host: String { "127.0.0.1:\(port)" }

    public init(upstream: LocalRegistry, rate: Double, seed: Int = 7) async throws {
        directory = try TemporaryDirectory(prefix: "lockmaster-faults")
        port = try FreePort.find()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "fault_proxy.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script.path, String(port), String(upstream.port), String(rate), String(seed),
            directory.url.appendingPathComponent("stats.json").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        let log = directory.url.appendingPathComponent("proxy.log")
        process.standardError = try FileHandle(forWritingTo: log.createEmpty())
        try process.run()
        try await FreePort.waitUntilListening(port, process: process, log: log)
    }

    /// `requests`, `faults`, and a count per fault kind.
    public var statistics: [String: Int] {
        guard let data = try? Data(contentsOf: directory.url.appendingPathComponent("stats.json")),
            let stats = try? JSONSerialization.jsonObject(with: data) as? [String: Int]
        else { return [:] }
        return stats
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
