public import Foundation
public import Support

/// Runs `oras_peer.py` (the Python oras client) beside this file.
public enum OrasPeer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "oras_peer.py"
    ).path

    /// Pulls `repository:tag`; returns the manifest JSON and the files written.
    public static func pull(host: String, repository: String, tag: String, into directory: URL) async throws -> (
        manifest: [String: Any], files: [String]
    ) {
        let output = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("python3", [script, "pull", host, repository, tag, directory.path]))
        let lastLine = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let json = try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any] ?? [:]
        return (json["manifest"] as? [String: Any] ?? [:], json["files"] as? [String] ?? [])
    }

    /// Pushes a layer and config with Flux's media types.
    @discardableResult
    public static func push(
        host: String, repository: String, tag: String, layer: URL, config: URL, annotations: [String: String]
    ) async throws -> ProcessOutput {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: annotations), as: UTF8.self)
        return try await SystemProcessRunner().checkedRun(
            ProcessInvocation("python3", [script, "push", host, repository, tag, layer.path, config.path, json]))
    }
}
