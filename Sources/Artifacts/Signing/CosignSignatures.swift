import Foundation

/// What a signature check found for one artifact digest.
public struct SignatureVerdict: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        /// A trusted key signed a payload that names this digest.
        case signed
        /// No signature is stored for this digest.
        case unsigned
        /// Signatures are stored, but none is a trusted key's over a payload that names this digest.
        case invalid
    }

    public var state: State
    /// The tag the signatures live under: `sha256-<hex>.sig`.
    public var tag: String
    /// The trusted keys that verified (their names).
    public var keys: [String]
    /// Why each signature that did not verify was refused, in manifest order.
    public var problems: [String]
}

/// cosign's tag-based signatures (specs/SIGNATURE_SPEC.md): one image manifest per signed digest,
/// under the tag `sha256-<hex>.sig`, one layer per signature holding the simple-signing payload, the
/// signature in the layer's `dev.cosignproject.cosign/signature` annotation. Works on any store.
public struct CosignSignatures: Sendable {
    public static let signatureAnnotation = "dev.cosignproject.cosign/signature"
    static let configMediaType = "application/vnd.oci.image.config.v1+json"
    /// Payloads larger than this are not read: cosign's are about 250 bytes.
    static let payloadLimit: UInt64 = 1 << 20
    /// Signatures past this many for one digest are not read (each costs a blob fetch and a verification).
    static let layerLimit = 16

    public let store: any ArtifactStore

    public init(store: any ArtifactStore) { self.store = store }

    /// `sha256:<hex>` → `sha256-<hex>.sig`.
    public static func tag(for digest: String) -> String { digest.replacingOccurrences(of: ":", with: "-") + ".sig" }

    public enum SignOutcome: Sendable, Equatable {
        /// A signature was appended; the signature manifest's new digest.
        case added(tag: String, manifest: String)
        /// The key had signed this digest already: nothing was written.
        case alreadySigned(tag: String)
    }

    /// Signs `digest` with `key`, appending to the signatures already stored for it.
    public func sign(digest: String, reference: String, key: SigningKey) async throws -> SignOutcome {
        let tag = Self.tag(for: digest)
        var layers: [OCIDescriptor] = []
        if let existing = try await store.manifest(tag) {
            guard let manifest = OCIManifest.decode(existing.data) else {
                throw RegistryError.unexpectedResponse(
                    operation: "signing \(digest)",
                    reason: "\(tag) holds something that is not an image manifest; it was left as it is")
            }
            layers = manifest.layers
            let verdict = try await check(layers, digest: digest, keys: [key.publicKey], tag: tag)
            if verdict.state == .signed { return .alreadySigned(tag: tag) }
        }
        let payload = SimpleSigningPayload.make(reference: reference, digest: digest)
        let signature = try key.sign(payload)
        let payloadDigest = Digest.sha256(payload)
        _ = try await store.uploadBlob(payload, digest: payloadDigest)
        layers.append(
            OCIDescriptor(
                mediaType: SimpleSigningPayload.mediaType, digest: payloadDigest, size: UInt64(payload.count),
                annotations: [Self.signatureAnnotation: signature.base64EncodedString()]))
        let config = Self.config(layers: layers)
        _ = try await store.uploadBlob(config, digest: Digest.sha256(config))
        var manifest = OCIManifest(
            config: OCIDescriptor(
                mediaType: Self.configMediaType, digest: Digest.sha256(config), size: UInt64(config.count)),
            layers: layers, annotations: [:])
        manifest.annotations = nil
        let body = manifest.canonicalJSON()
        _ = try await store.putManifest(body, mediaType: FluxArtifact.manifestMediaType, tag: tag)
        let written = Digest.sha256(body)
        guard try await store.manifestDigest(tag) == written else {
            throw RegistryError.unexpectedResponse(
                operation: "signing \(digest)",
                reason: "\(tag) changed while it was written (another signer?); publish again to add the signature")
        }
        return .added(tag: tag, manifest: written)
    }

    /// Checks the signatures stored for `digest` against `keys`.
    public func verify(digest: String, keys: [PublicKey]) async throws -> SignatureVerdict {
        let tag = Self.tag(for: digest)
        guard let fetched = try await store.manifest(tag) else {
            return SignatureVerdict(state: .unsigned, tag: tag, keys: [], problems: [])
        }
        guard let manifest = OCIManifest.decode(fetched.data) else {
            return SignatureVerdict(
                state: .invalid, tag: tag, keys: [], problems: ["\(tag) does not hold an image manifest"])
        }
        return try await check(manifest.layers, digest: digest, keys: keys, tag: tag)
    }

    private func check(_ layers: [OCIDescriptor], digest: String, keys: [PublicKey], tag: String) async throws
        -> SignatureVerdict
    {
        guard !layers.isEmpty else { return SignatureVerdict(state: .unsigned, tag: tag, keys: [], problems: []) }
        var verdict = SignatureVerdict(state: .invalid, tag: tag, keys: [], problems: [])
        for (index, layer) in layers.prefix(Self.layerLimit).enumerated() {
            let name = "signature \(index + 1)"
            guard layer.size <= Self.payloadLimit else {
                verdict.problems.append("\(name): its payload is larger than 1 MiB")
                continue
            }
            guard let encoded = layer.annotations?[Self.signatureAnnotation],
                let signature = Data(base64Encoded: encoded)
            else {
                verdict.problems.append("\(name): no \(Self.signatureAnnotation) annotation")
                continue
            }
            guard Digest.isValid(layer.digest) else {
                verdict.problems.append("\(name): its payload digest is malformed")
                continue
            }
            let payload = try await store.blob(layer.digest, size: layer.size)
            let claimed = SimpleSigningPayload.claimedDigest(payload)
            guard claimed == digest else {
                verdict.problems.append(
                    "\(name): its payload names \(claimed.map { Digest.isValid($0) ? $0 : "a malformed digest" } ?? "no digest"), not \(digest)"
                )
                continue
            }
            let matching = keys.filter { $0.isValid(signature: signature, for: payload) }
            guard !matching.isEmpty else {
                verdict.problems.append("\(name): not made by a trusted key")
                continue
            }
            verdict.keys += matching.map(\.name).filter { !verdict.keys.contains($0) }
        }
        if !verdict.keys.isEmpty { verdict.state = .signed }
        return verdict
    }

    /// The image config go-containerregistry writes for an empty image with these layers appended.
    static func config(layers: [OCIDescriptor]) -> Data {
        let history = Array(repeating: #"{"created":"0001-01-01T00:00:00Z"}"#, count: layers.count).joined(
            separator: ",")
        let diffIDs = layers.map { GoJSON.string($0.digest) }.joined(separator: ",")
        return Data(
            #"{"architecture":"","created":"0001-01-01T00:00:00Z","history":[\#(history)],"os":"","rootfs":{"type":"layers","diff_ids":[\#(diffIDs)]},"config":{}}"#
                .utf8)
    }
}
