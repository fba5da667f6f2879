public import Foundation
import Support

/// The payload cosign signs for an image: the simple-signing JSON that names the manifest digest
/// (cosign's specs/SIGNATURE_SPEC.md, sigstore's `payload.SimpleContainerImage`; docs/flux-facts.md §3).
public enum SimpleSigningPayload {
    public static let mediaType = "application/vnd.dev.cosign.simplesigning.v1+json"
    public static let type = "cosign container image signature"

    /// The bytes Go's `encoding/json` writes for `SimpleContainerImage` with no optional claims.
    public static func make(reference: String, digest: String) -> Data {
        Data(
            ("{\"critical\":{\"identity\":{\"docker-reference\":\(GoJSON.string(reference))},"
                + "\"image\":{\"docker-manifest-digest\":\(GoJSON.string(digest))},"
                + "\"type\":\(GoJSON.string(type))},\"optional\":null}").utf8)
    }

    /// `critical.image.docker-manifest-digest`, read as cosign's claim verifier reads it (Go's
    /// `encoding/json`: an exact key first, else one equal ignoring case); nil when the payload has none.
    public static func claimedDigest(_ payload: Data) -> String? {
        guard let top = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
            let critical = field("critical", in: top) as? [String: Any],
            let image = field("image", in: critical) as? [String: Any]
        else { return nil }
        return field("docker-manifest-digest", in: image) as? String
    }

    private static func field(_ name: String, in object: [String: Any]) -> Any? {
        if let exact = object[name] { return exact }
        return object.first { $0.key.lowercased() == name }?.value
    }
}
