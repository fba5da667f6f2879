import Foundation
import Support

/// Runs `cosign_verify.py`: a cosign signature check written in Python from cosign's specification.
public enum CosignPeer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "cosign_verify.py"
    ).path

    /// The checker's verdict: its exit status (0 when a layer verified) and its JSON line.
    public static func verify(host: String, repository: String, digest: String, publicKey: String) async throws -> (
        status: Int32, report: [String: Any]
    ) {
        let output = try await SystemProcessRunner().run(
            ProcessInvocation("python3", [script, host, repository, digest, publicKey]))
        let line = output.stdout.split(separator: "\n").last.map(String.init) ?? "{}"
        return (output.status, (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:])
    }
}
