import Foundation

/// `canary_server.py` on a loopback port: records every request it receives, so a test can prove
/// that nothing reached it, or that what reached it carried no credentials.
public final class CanaryServer: @unchecked Sendable {  // immutable after init; `process` is only touched in deinit
    public enum Mode {
        case record
        case redirect(to: String)
        case linkCycle
        case plainHTTPRealm(String)
        case endlessTags
        case bigManifest
    }

    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    public var host: String { "127.0.0.1:\(port)" }

    public init(_ mode: Mode = .record) async throws {
        directory = try TemporaryDirectory(prefix: "lockmaster-canary")
        port = try FreePort.find()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "canary_server.py")
        let arguments: [String] =
            switch mode {
            case .record: ["record"]
            case .redirect(let url): ["redirect", url]
            case .linkCycle: ["link-cycle"]
            case .plainHTTPRealm(let url): ["http-realm", url]
            case .endlessTags: ["endless-tags"]
            case .bigManifest: ["big-manifest"]
            }
        process = try await LoopbackPython.start(
            [script.path, String(port), directory.url.appendingPathComponent("requests.jsonl").path] + arguments,
            port: port, log: directory.url.appendingPathComponent("server.log"))
    }

    /// Every request received, as recorded (method, path, headers).
    public var requests: [[String: Any]] {
        let text =
            (try? String(contentsOf: directory.url.appendingPathComponent("requests.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    deinit { LoopbackPython.stop(process) }
}
