import Artifacts
import Foundation
import Support
import TestSupport
import Testing

/// Keys as openssl and Python's cryptography write and read them, the simple-signing payload, and
/// cosign's signature manifest in an OCI layout directory.
@Suite struct SigningTests {
    private func openssl(_ arguments: [String], input: String? = nil) async throws -> String {
        try await SystemProcessRunner().checkedRun(
            ProcessInvocation("openssl", arguments, standardInput: input.map { Data($0.utf8) })
        ).stdout
    }

    @Test func readsTheKeysOpensslWrites() async throws {
        let pkcs8 = try await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        let key = try SigningKey(pem: pkcs8, passphrase: nil)
        let opensslPublic = try await openssl(["pkey", "-pubout"], input: pkcs8)
        #expect(key.publicKey.pem == opensslPublic)
        let sec1 = try await openssl(["ecparam", "-genkey", "-name", "prime256v1", "-noout"])
        #expect(sec1.contains("BEGIN EC PRIVATE KEY"))
        #expect(
            try SigningKey(pem: sec1, passphrase: nil).publicKey.pem
                == (try await openssl(["pkey", "-pubout"], input: sec1)))
        // Encrypted by openssl with each cipher and PRF Lockmaster reads.
        for (cipher, prf) in [
            ("aes-256-cbc", "hmacWithSHA256"), ("aes-128-cbc", "hmacWithSHA512"), ("aes-192-cbc", "hmacWithSHA1"),
        ] {
            let encrypted = try await openssl(
                ["pkcs8", "-topk8", "-v2", cipher, "-v2prf", prf, "-passout", "pass:s3cret"], input: pkcs8)
            #expect(encrypted.contains("BEGIN ENCRYPTED PRIVATE KEY"))
            #expect(try SigningKey(pem: encrypted, passphrase: "s3cret").publicKey == key.publicKey, "\(cipher) \(prf)")
            #expect(throws: SigningKeyError.wrongPassphrase) { try SigningKey(pem: encrypted, passphrase: "other") }
            #expect(throws: SigningKeyError.needsPassphrase) { try SigningKey(pem: encrypted, passphrase: nil) }
        }
    }

    @Test func opensslReadsTheKeysLockmasterWrites() async throws {
        let key = SigningKey.generate()
        let encrypted = try key.pem(passphrase: "s3cret")
        #expect(encrypted.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"))
        #expect(
            try await openssl(["pkey", "-pubout", "-passin", "pass:s3cret"], input: encrypted) == key.publicKey.pem)
        #expect(try await openssl(["pkey", "-pubout"], input: try key.pem(passphrase: nil)) == key.publicKey.pem)
        #expect(try SigningKey(pem: encrypted, passphrase: "s3cret").publicKey == key.publicKey)
        #expect(!String(describing: key).contains("PRIVATE"))
    }

    @Test func refusesWhatIsNotAnECDSAP256Key() async throws {
        let p384 = try await openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"])
        #expect(throws: SigningKeyError.notP256) { try SigningKey(pem: p384, passphrase: nil) }
        let ed25519 = try await openssl(["genpkey", "-algorithm", "ED25519"])
        #expect(throws: SigningKeyError.notP256) { try SigningKey(pem: ed25519, passphrase: nil) }
        let p384Public = try await openssl(["pkey", "-pubout"], input: p384)
        #expect(throws: SigningKeyError.notP256) { try PublicKey(pem: p384Public, name: "p384.pub") }
        #expect(throws: SigningKeyError.cosignFormat) {
            try SigningKey(
                pem:
                    "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJ9\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
                passphrase: "x")
        }
        #expect(throws: SigningKeyError.notPEM) { try SigningKey(pem: "not a key", passphrase: nil) }
        #expect(throws: SigningKeyError.privateWherePublic) {
            try PublicKey(pem: try SigningKey.generate().pem(passphrase: nil), name: "k")
        }
    }

    @Test func payloadIsCosignsAndTheClaimIsReadAsGoReadsIt() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let payload = SimpleSigningPayload.make(reference: "ghcr.io/acme/platform", digest: digest)
        #expect(
            String(decoding: payload, as: UTF8.self)
                == #"{"critical":{"identity":{"docker-reference":"ghcr.io/acme/platform"},"image":{"docker-manifest-digest":"\#(digest)"},"type":"cosign container image signature"},"optional":null}"#
        )
        #expect(SimpleSigningPayload.claimedDigest(payload) == digest)
        // The specification's own example spells the key with a capital, which Go's decoder accepts.
        #expect(
            SimpleSigningPayload.claimedDigest(
                Data(#"{"critical":{"image":{"Docker-manifest-digest":"\#(digest)"}}}"#.utf8)) == digest)
        #expect(
            SimpleSigningPayload.claimedDigest(Data(#"{"critical":{"image":{"docker-manifest-digest":7}}}"#.utf8))
                == nil)
        #expect(SimpleSigningPayload.claimedDigest(Data("[]".utf8)) == nil)
    }

    @Test func signaturesAppendOnceAndVerifyInALayout() async throws {
        let directory = try TemporaryDirectory()
        let store = OCILayoutStore(root: directory.url.appendingPathComponent("layout"))
        let signatures = CosignSignatures(store: store)
        let digest = "sha256:" + String(repeating: "cd", count: 32)
        let other = "sha256:" + String(repeating: "ef", count: 32)
        let first = SigningKey.generate()
        let second = SigningKey.generate()
        var trusted = first.publicKey
        trusted.name = "first.pub"

        #expect(try await signatures.verify(digest: digest, keys: [trusted]).state == .unsigned)
        guard case .added(let tag, _) = try await signatures.sign(digest: digest, reference: "layout", key: first)
        else {
            Issue.record("not added")
            return
        }
        #expect(tag == "sha256-" + String(repeating: "cd", count: 32) + ".sig")
        #expect(try await signatures.sign(digest: digest, reference: "layout", key: first) == .alreadySigned(tag: tag))
        _ = try await signatures.sign(digest: digest, reference: "layout", key: second)
        let stored = try #require(try await store.manifest(tag))
        let manifest = try #require(OCIManifest.decode(stored.data))
        #expect(manifest.layers.count == 2)
        #expect(manifest.layers.allSatisfy { $0.mediaType == SimpleSigningPayload.mediaType })
        #expect(try await store.listTags().contains(tag))

        let verdict = try await signatures.verify(digest: digest, keys: [trusted])
        #expect(verdict.state == .signed)
        #expect(verdict.keys == ["first.pub"])
        #expect(verdict.problems == ["signature 2: not made by a trusted key"])
        #expect(try await signatures.verify(digest: digest, keys: [second.publicKey]).state == .signed)
        #expect(try await signatures.verify(digest: digest, keys: [SigningKey.generate().publicKey]).state == .invalid)

        // The same signatures under another digest's tag name the wrong digest.
        _ = try await store.putManifest(
            stored.data, mediaType: FluxArtifact.manifestMediaType,
            tag: CosignSignatures.tag(for: other))
        let misplaced = try await signatures.verify(digest: other, keys: [trusted])
        #expect(misplaced.state == .invalid)
        #expect(misplaced.problems.first == "signature 1: its payload names \(digest), not \(other)")
    }
}
