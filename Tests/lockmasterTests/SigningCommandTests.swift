import Artifacts
import Foundation
import Support
import TestSupport
import Testing

/// keygen, publish --sign-key, verify and the promote gate against a real registry, with cosign's
/// format checked by an independent Python verifier and skopeo.
@Suite struct SigningCommandTests {
    /// The repository's state a refused command must leave as it was: HEAD, branches and work tree.
    private static func gitState(_ repository: URL) async throws -> String {
        try await TestGit.run(["rev-parse", "HEAD"], in: repository)
            + TestGit.run(["branch", "--list"], in: repository)
            + TestGit.run(["status", "--porcelain"], in: repository)
    }

    private static func json(_ output: ProcessOutput) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: output.standardOutput) as? [String: Any])
    }

    @Test func signedPublishVerifiesIndependentlyAndEveryForgeryIsRefused() async throws {
        let registry = try await LocalRegistry()
        let keys = try TemporaryDirectory()
        let repository = try TemporaryDirectory()
        let artifact = registry.url("platform")
        #expect(
            try await LockmasterBinary.run([
                "init", repository.path, "--git-url", "https://git.example.com/p.git",
                "--artifact", artifact, "--artifact-url", artifact,
            ]).status == 0)

        // Keys: one encrypted (the trusted one), one not (an outsider's).
        let password = ["LOCKMASTER_SIGNING_PASSWORD": "correct horse"]
        let made = try await LockmasterBinary.run(
            ["keygen", "--output", keys.path + "/trusted", "-o", "json"], environment: password)
        #expect(made.status == 0)
        #expect(try Self.json(made)["encrypted"] as? Bool == true)
        #expect(
            try FileManager.default.attributesOfItem(atPath: keys.path + "/trusted.key")[.posixPermissions] as? Int
                == 0o600)
        #expect(!made.stdout.contains("PRIVATE KEY") && !made.stderr.contains("PRIVATE KEY"))
        #expect(try await LockmasterBinary.run(["keygen", "--output", keys.path + "/outsider"]).status == 0)
        let again = try await LockmasterBinary.run(["keygen", "--output", keys.path + "/trusted"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("exists"))

        try repository.write("keys/cosign.pub", try keys.read("trusted.pub"))
        try repository.write(
            "lockmaster.yaml", try repository.read("lockmaster.yaml") + "signing:\n  trustedKeys: [keys/cosign.pub]\n")
        try repository.write(
            "clusters/production/platform.yaml",
            try repository.read("clusters/production/platform.yaml")
                .replacingOccurrences(
                    of: "  ref:\n    tag: \"0.1.0\"\n",
                    with:
                        "  ref:\n    tag: \"0.1.0\"\n  verify:\n    provider: cosign\n    secretRef:\n      name: cosign-pub\n"
                ))
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)

        // Publish signed: the Python verifier and skopeo read what was pushed.
        func publish(_ extra: [String], environment: [String: String] = [:]) async throws -> [String: Any] {
            let output = try await LockmasterBinary.run(
                ["publish", "--repo", repository.path, "-o", "json"] + extra, environment: environment)
            #expect(output.status == 0, "\(output.stderr)")
            return try Self.json(output)
        }
        let first = try await publish(["--sign-key", keys.path + "/trusted.key"], environment: password)
        let digest = try #require(first["digest"] as? String)
        #expect(first["tag"] as? String == "0.1.0")
        #expect((first["signature"] as? [String: Any])?["added"] as? Bool == true)
        let peer = try await CosignPeer.verify(
            host: registry.host, repository: "platform", digest: digest, publicKey: keys.path + "/trusted.pub")
        #expect(peer.status == 0)
        #expect(peer.report["verified"] as? Int == 1)
        #expect(peer.report["mediaTypes"] as? [String] == ["application/vnd.dev.cosign.simplesigning.v1+json"])
        #expect(peer.report["configMediaType"] as? String == "application/vnd.oci.image.config.v1+json")
        let signatureTag = "sha256-" + digest.dropFirst(7) + ".sig"
        let raw = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "skopeo",
                [
                    "inspect", "--raw", "--tls-verify=false",
                    "docker://\(registry.host)/platform:\(signatureTag)",
                ]))
        let manifest = try #require(try JSONSerialization.jsonObject(with: raw.standardOutput) as? [String: Any])
        let layer = try #require((manifest["layers"] as? [[String: Any]])?.first)
        #expect((layer["annotations"] as? [String: String])?["dev.cosignproject.cosign/signature"] != nil)
        #expect(
            try await CosignPeer.verify(
                host: registry.host, repository: "platform", digest: digest, publicKey: keys.path + "/outsider.pub"
            ).status == 1)

        // Signing again with the same key adds nothing; another key appends beside it.
        let repeated = try await publish(["--sign-key", keys.path + "/trusted.key"], environment: password)
        #expect((repeated["signature"] as? [String: Any])?["added"] as? Bool == false)
        _ = try await publish(["--sign-key", keys.path + "/outsider.key"])
        let both = try await CosignPeer.verify(
            host: registry.host, repository: "platform", digest: digest, publicKey: keys.path + "/trusted.pub")
        #expect(both.report["layers"] as? Int == 2)
        #expect(both.report["verified"] as? Int == 1)
        let verified = try await LockmasterBinary.run(["verify", "production", "--repo", repository.path, "-o", "json"])
        #expect(verified.status == 0)
        #expect((try Self.json(verified)["signature"] as? [String: Any])?["state"] as? String == "signed")

        // A wrong passphrase or an unreadable key publishes nothing.
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        try await TestGit.commitAll(in: repository.url, message: "unsigned")
        let wrong = try await LockmasterBinary.run(
            ["publish", "--repo", repository.path, "--sign-key", keys.path + "/trusted.key"],
            environment: ["LOCKMASTER_SIGNING_PASSWORD": "wrong"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("passphrase does not decrypt"))
        #expect(try await LockmasterBinary.run(["resolve", "--range", "0.1.1", "--from", artifact]).status == 1)

        // Each forgery: verify says why, promote refuses, git is as it was.
        func refused(_ version: String, _ reason: String) async throws {
            let verify = try await LockmasterBinary.run(["verify", version, "--repo", repository.path])
            #expect(verify.status == 1, "verify \(version)")
            #expect(verify.stdout.contains(reason), "verify \(version): \(verify.stdout)")
            let before = try await Self.gitState(repository.url)
            for extra in [[], ["--force", "--reason", "urgent"]] {
                let promote = try await LockmasterBinary.run(
                    ["promote", "production", version, "--repo", repository.path] + extra)
                #expect(promote.status == 1, "promote \(version) \(extra)")
                #expect(promote.stderr.contains("gate signature"), "\(promote.stderr)")
                #expect(promote.stderr.contains("keys/cosign.pub (SHA256:"))
            }
            #expect(try await Self.gitState(repository.url) == before)
        }
        let unsigned = try await publish([])
        let unsignedDigest = try #require(unsigned["digest"] as? String)
        try await refused("0.1.1", "unsigned")

        // Signed by a key nobody trusts.
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.2"))
        try await TestGit.commitAll(in: repository.url, message: "outsider")
        _ = try await publish(["--sign-key", keys.path + "/outsider.key"])
        try await refused("0.1.2", "not made by a trusted key")

        // The trusted signature of 0.1.0 copied to 0.1.1's signature tag.
        let client = RegistryClient(endpoint: try RegistryEndpoint.parse(artifact))
        let genuine = try #require(try await client.manifest(signatureTag))
        _ = try await client.putManifest(
            genuine.data, mediaType: "application/vnd.oci.image.manifest.v1+json",
            tag: "sha256-" + unsignedDigest.dropFirst(7) + ".sig")
        try await refused("0.1.1", "names \(digest), not \(unsignedDigest)")

        // A trusted signature whose payload was changed afterwards.
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.3"))
        try await TestGit.commitAll(in: repository.url, message: "tampered")
        let signed = try await publish(["--sign-key", keys.path + "/trusted.key"], environment: password)
        let signedDigest = try #require(signed["digest"] as? String)
        let signedTag = "sha256-" + signedDigest.dropFirst(7) + ".sig"
        let stored = try #require(try await client.manifest(signedTag))
        var forged = try #require(OCIManifest.decode(stored.data))
        let payload = try await client.blob(forged.layers[0].digest)
        let changed = Data(
            String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "platform", with: "platforn").utf8)
        #expect(changed != payload)
        _ = try await client.uploadBlob(changed, digest: Digest.sha256(changed))
        forged.layers[0].digest = Digest.sha256(changed)
        forged.layers[0].size = UInt64(changed.count)
        _ = try await client.putManifest(
            forged.canonicalJSON(), mediaType: "application/vnd.oci.image.manifest.v1+json", tag: signedTag)
        try await refused("0.1.3", "not made by a trusted key")

        // A signed version whose tag was moved to other content.
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.4"))
        try await TestGit.commitAll(in: repository.url, message: "retag")
        _ = try await publish(["--sign-key", keys.path + "/trusted.key"], environment: password)
        #expect(try await LockmasterBinary.run(["verify", "0.1.4", "--repo", repository.path]).status == 0)
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.9"))
        try await TestGit.commitAll(in: repository.url, message: "moved")
        _ = try await publish(["--version", "0.1.4", "--force"])
        try await refused("0.1.4", "unsigned")

        // A version the trusted key signed passes, and the commit says who signed it.
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.15.0"))
        try await TestGit.commitAll(in: repository.url, message: "good")
        _ = try await publish(["--sign-key", keys.path + "/trusted.key"], environment: password)
        let promoted = try await LockmasterBinary.run([
            "promote", "production", "0.1.5", "--repo", repository.path, "-o", "json",
        ])
        #expect(promoted.status == 0, "\(promoted.stderr)")
        #expect((try Self.json(promoted)["signature"] as? [String: Any])?["keys"] as? [String] == ["keys/cosign.pub"])
        #expect(
            try await TestGit.run(["log", "-1", "--format=%B"], in: repository.url).contains(
                "signed by: keys/cosign.pub"))

        // resolve and status carry the verdict; check warns that staging does not verify.
        let resolved = try Self.json(
            try await LockmasterBinary.run(["resolve", "staging", "--repo", repository.path, "-o", "json"]))
        #expect((resolved["signature"] as? [String: Any])?["state"] as? String == "signed")
        let status = try await LockmasterBinary.run(["status", "--repo", repository.path])
        #expect(status.stdout.contains("SIGNATURE"))
        #expect(status.stdout.contains("signature: signed by keys/cosign.pub"))
        let check = try await LockmasterBinary.run(["check", "--repo", repository.path, "--base", "HEAD", "-o", "json"])
        let findings = try #require(try Self.json(check)["findings"] as? [[String: Any]])
        #expect(
            findings.contains {
                $0["rule"] as? String == "unverified-source" && ($0["message"] as? String)?.hasPrefix("staging") == true
            })
        #expect(
            !findings.contains {
                $0["rule"] as? String == "unverified-source"
                    && ($0["message"] as? String)?.hasPrefix("production") == true
            })
    }

    /// `signing.require` without `spec.verify`: the gate asks for trusted keys, refuses an unsigned
    /// version, and, being Lockmaster's own requirement, yields to --force with a reason.
    @Test func requiredByTheSettingsAndForceable() async throws {
        let layout = try TemporaryDirectory()
        let repository = try TemporaryDirectory()
        #expect(
            try await LockmasterBinary.run([
                "init", repository.path, "--git-url", "https://git.example.com/p.git",
                "--artifact", layout.path, "--artifact-url", "oci://registry.example.com/p",
            ]).status == 0)
        try repository.write(
            "lockmaster.yaml", try repository.read("lockmaster.yaml") + "signing:\n  require: [production]\n")
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        try await TestGit.commitAll(in: repository.url, message: "upgrade")
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)

        let noKeys = try await LockmasterBinary.run(["promote", "production", "0.1.1", "--repo", repository.path])
        #expect(noKeys.status == 1)
        #expect(
            noKeys.stderr.contains(
                "gate signature: production needs signed versions because signing.require in lockmaster.yaml names it, but lockmaster.yaml lists no signing.trustedKeys"
            ))

        #expect(try await LockmasterBinary.run(["keygen", "--output", layout.path + "/k"]).status == 0)
        try repository.write("keys/k.pub", try layout.read("k.pub"))
        try repository.write(
            "lockmaster.yaml", try repository.read("lockmaster.yaml") + "  trustedKeys: [keys/k.pub]\n")
        try await TestGit.commitAll(in: repository.url, message: "trust")
        let before = try await Self.gitState(repository.url)
        let refused = try await LockmasterBinary.run(["promote", "production", "0.1.1", "--repo", repository.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("has no signature"))
        #expect(try await Self.gitState(repository.url) == before)
        let forced = try await LockmasterBinary.run([
            "promote", "production", "0.1.1", "--force", "--reason", "signed out of band", "--repo", repository.path,
            "-o", "json",
        ])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Self.json(forced)["signature"] == nil)
    }

    /// A Flux Operator's sync OCIRepository has no spec.verify of its own: check warns until the instance
    /// patches one in, as controlplaneio-fluxcd/d2-fleet's clusters do (a patch targeting OCIRepository).
    @Test func anOperatorSyncWithoutVerifyIsWarnedAbout() async throws {
        let repository = try TemporaryDirectory()
        let instance = { (patches: String) in
            """
            apiVersion: fluxcd.controlplane.io/v1
            kind: FluxInstance
            metadata: {name: flux, namespace: flux-system}
            spec:
              distribution: {version: "2.x", registry: ghcr.io/fluxcd}
              sync:
                kind: OCIRepository
                url: oci://ghcr.io/acme/fleet
                ref: "1.2.3"
                path: clusters/prod
            \(patches)
            """
        }
        try repository.write("lockmaster.yaml", "environments: [prod]\nsigning:\n  trustedKeys: [keys/cosign.pub]\n")
        try repository.write("clusters/prod/flux-system/flux-instance.yaml", instance(""))
        #expect(try await LockmasterBinary.run(["keygen", "--output", repository.path + "/keys/cosign"]).status == 0)
        try FileManager.default.removeItem(at: repository.url.appendingPathComponent("keys/cosign.key"))
        try await TestGit.commitAll(in: repository.url)
        func findings() async throws -> [[String: Any]] {
            let check = try await LockmasterBinary.run([
                "check", "--base", "HEAD", "-o", "json", "--repo", repository.path,
            ])
            return try #require(try Self.json(check)["findings"] as? [[String: Any]], "\(check.stderr)").filter {
                $0["rule"] as? String == "unverified-source"
            }
        }
        let warned = try await findings()
        #expect(warned.count == 1)
        #expect(
            (warned.first?["message"] as? String)?.hasPrefix(
                "prod's sync OCIRepository (made by the Flux Operator) does not verify") == true)
        try repository.write(
            "clusters/prod/flux-system/flux-instance.yaml",
            instance(
                """
                  kustomize:
                    patches:
                      - target: {kind: OCIRepository}
                        patch: |
                          - op: add
                            path: /spec/verify
                            value: {provider: cosign, secretRef: {name: cosign-pub}}
                """))
        #expect(try await findings().isEmpty)
    }
}
