import Artifacts
import Foundation
import Support
import TestSupport
import Testing

/// The OCI client against a real registry (docker-registry on 127.0.0.1), read back by skopeo.
@Suite(.serialized) struct RegistryClientTests {
    func client(
        _ registry: LocalRegistry, _ repository: String = "platform", credentials: RegistryCredentials? = nil,
        chunkSize: UInt64 = 32 << 20
    ) throws -> RegistryClient {
        RegistryClient(
            endpoint: try RegistryEndpoint.parse(registry.url(repository)), credentials: credentials,
            chunkSize: chunkSize)
    }

    func artifact() throws -> (TemporaryDirectory, URL, PackageResult) {
        let directory = try TemporaryDirectory()
        // Numbers from a linear congruential generator: content that does not compress away.
        var seed: UInt64 = 42
        let lines = (0..<4000).map { _ in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return "value: \(seed)"
        }
        try directory.write("platform/services/keda.yaml", lines.joined(separator: "\n"))
        let file = directory.url.appendingPathComponent("platform.tgz")
        let result = try ArtifactPackager(root: directory.url, platformPaths: ["platform"]).package(to: file)
        return (directory, file, result)
    }

    /// Pushes a Flux-format manifest for `file` under `tag`.
    func push(_ client: RegistryClient, file: URL, result: PackageResult, tag: String) async throws -> String {
        let config = Data("{}".utf8)
        _ = try await client.uploadBlob(config, digest: Digest.sha256(config))
        _ = try await client.uploadBlob(from: file, digest: result.digest, size: result.size)
        let manifest = OCIManifest(
            config: OCIDescriptor(
                mediaType: FluxArtifact.configMediaType, digest: Digest.sha256(config), size: UInt64(config.count)),
            layers: [OCIDescriptor(mediaType: FluxArtifact.layerMediaType, digest: result.digest, size: result.size)],
            annotations: [
                FluxArtifact.sourceAnnotation: "https://example.com/<platform>&x",
                FluxArtifact.revisionAnnotation: "main@sha1:abc",
            ])
        return try await client.putManifest(
            manifest.canonicalJSON(), mediaType: FluxArtifact.manifestMediaType, tag: tag)
    }

    @Test func pushListFetchAndReadBackWithSkopeo() async throws {
        let registry = try await LocalRegistry()
        let client = try client(registry)
        try await client.checkAPI()
        #expect(try await client.listTags() == [])
        let (workspace, file, result) = try artifact()
        defer { withExtendedLifetime(workspace) {} }
        let digest = try await push(client, file: file, result: result, tag: "0.1.0")
        #expect(try await client.listTags() == ["0.1.0"])
        #expect(try await client.manifestDigest("0.1.0") == digest)
        #expect(try await client.manifestDigest("9.9.9") == nil)
        let fetched = try #require(try await client.manifest("0.1.0"))
        #expect(fetched.digest == digest)
        #expect(try await client.blob(result.digest) == Data(contentsOf: file))
        // Re-uploading an existing blob sends nothing.
        #expect(try await client.uploadBlob(from: file, digest: result.digest, size: result.size) == 0)

        let raw = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(registry.host)/platform:0.1.0"])
        ).standardOutput
        #expect(raw == fetched.data)
        #expect(String(decoding: raw, as: UTF8.self).contains(#""https://example.com/\u003cplatform\u003e\u0026x""#))
    }

    @Test func chunkedUploadAndMount() async throws {
        let registry = try await LocalRegistry()
        let (workspace, file, result) = try artifact()
        defer { withExtendedLifetime(workspace) {} }
        let chunked = try client(registry, chunkSize: 1000)
        #expect(result.size > 3000)
        #expect(try await chunked.uploadBlob(from: file, digest: result.digest, size: result.size) == result.size)
        #expect(try await chunked.blob(result.digest) == Data(contentsOf: file))
        let other = try client(registry, "mirror/platform")
        #expect(try await other.mountBlob(result.digest, from: "platform"))
        #expect(try await other.blobExists(result.digest))
    }

    @Test func tagListingFollowsPagination() async throws {
        let registry = try await LocalRegistry()
        let client = try client(registry)
        let (workspace, file, result) = try artifact()
        defer { withExtendedLifetime(workspace) {} }
        let tags = (1...1005).map { "0.0.\($0)" }
        _ = try await push(client, file: file, result: result, tag: tags[0])
        let manifest = try #require(try await client.manifest(tags[0]))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 1, to: tags.count, by: 100) {
                group.addTask {
                    for tag in tags[chunk..<min(chunk + 100, tags.count)] {
                        _ = try await client.putManifest(
                            manifest.data, mediaType: FluxArtifact.manifestMediaType, tag: tag)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(Set(try await client.listTags()) == Set(tags))
    }

    @Test func basicAuthentication() async throws {
        let registry = try await LocalRegistry(authentication: .basic(username: "ci", password: "s3cret-value"))
        let (workspace, file, result) = try artifact()
        defer { withExtendedLifetime(workspace) {} }
        let good = try client(registry, credentials: RegistryCredentials(username: "ci", password: "s3cret-value"))
        _ = try await push(good, file: file, result: result, tag: "1.0.0")
        #expect(try await good.listTags() == ["1.0.0"])
        await #expect(throws: RegistryError.authenticationRequired(host: registry.host)) {
            try await client(registry).listTags()
        }
        let wrong = try client(registry, credentials: RegistryCredentials(username: "ci", password: "wrong-value"))
        await #expect { try await wrong.listTags() } throws: { error in
            error as? RegistryError == .authenticationFailed(host: registry.host) && !"\(error)".contains("wrong-value")
        }
    }

    @Test func bearerTokenAuthentication() async throws {
        let tokens = try await TokenService(username: "robot", password: "t0ken-pass")
        let registry = try await LocalRegistry(authentication: .token(tokens))
        let (workspace, file, result) = try artifact()
        defer { withExtendedLifetime(workspace) {} }
        let good = try client(registry, credentials: RegistryCredentials(username: "robot", password: "t0ken-pass"))
        _ = try await push(good, file: file, result: result, tag: "2.0.0")
        #expect(try await good.listTags() == ["2.0.0"])
        // No credentials at all: the error says which registry wants them and how to give them.
        await #expect(throws: RegistryError.authenticationRequired(host: registry.host)) {
            try await client(registry).uploadBlob(Data("x".utf8), digest: Digest.sha256(Data("x".utf8)))
        }
        let wrong = try client(registry, credentials: RegistryCredentials(username: "robot", password: "nope"))
        await #expect(throws: RegistryError.authenticationFailed(host: registry.host)) { try await wrong.listTags() }
    }

    @Test func unreachableRegistryAndBadURLs() async throws {
        let port = try FreePort.find()
        let client = RegistryClient(endpoint: try RegistryEndpoint.parse("oci://127.0.0.1:\(port)/platform"))
        await #expect { try await client.listTags() } throws: {
            "\($0)".contains("cannot reach the registry 127.0.0.1:\(port)")
        }
        // A name that does not resolve fails at once (no retries), without a hint about --insecure.
        let unknown = RegistryClient(endpoint: try RegistryEndpoint.parse("oci://registry.lockmaster.invalid/platform"))
        let start = ContinuousClock.now
        await #expect { try await unknown.listTags() } throws: {
            "\($0)".hasSuffix(
                "cannot reach the registry registry.lockmaster.invalid: listing tags: unknown host (the name does not resolve); check the URL and your network"
            )
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(throws: RegistryError.invalidURL("oci://ghcr.io/acme/platform:1.0")) {
            try RegistryEndpoint.parse("oci://ghcr.io/acme/platform:1.0")
        }
        #expect(throws: RegistryError.invalidURL("https://ghcr.io/acme")) {
            try RegistryEndpoint.parse("https://ghcr.io/acme")
        }
        #expect(try RegistryEndpoint.parse("oci://ghcr.io/acme/platform").plainHTTP == false)
        #expect(try RegistryEndpoint.parse("oci://localhost:5000/p").plainHTTP)
        #expect(try RegistryEndpoint.parse("oci://ghcr.io/acme/p", insecure: true).plainHTTP)
    }
}

@Suite struct UploadProgressTests {
    @Test func progressReachesTheSizeInOrder() async throws {
        let registry = try await LocalRegistry()
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("blob")
        try Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }).write(to: file)
        let digest = Digest.sha256(try Data(contentsOf: file))
        let seen = ProgressLog()
        let client = RegistryClient(endpoint: try RegistryEndpoint.parse(registry.url("progress")), chunkSize: 1 << 20)
        _ = try await client.uploadBlob(from: file, digest: digest, size: 3_000_000) { seen.append($0) }
        #expect(seen.values.last == 3_000_000)
        #expect(seen.values == seen.values.sorted())
        #expect(seen.values.count >= 3)
    }
}

/// Collects progress reports; guarded by `lock`.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var _values: [UInt64] = []
    func append(_ value: UInt64) { lock.withLock { _values.append(value) } }
    var values: [UInt64] { lock.withLock { _values } }
}
