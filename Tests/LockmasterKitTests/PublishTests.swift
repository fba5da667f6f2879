import Artifacts
import Foundation
import GitKit
import LockmasterKit
import Support
import TestSupport
import Testing

/// publish and resolve end to end: git repositories, a real registry, skopeo, oras and GNU tar.
@Suite(.serialized) struct PublishTests {
    static let origin = "https://git.example.com/acme/platform.git"

    /// A committed platform repository whose artifact lives at `artifact`.
    func platform(artifact: String) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write(PlatformFixture.files())
        try directory.write("lockmaster.yaml", "artifact: \(artifact)\n")
        try await TestGit.commitAll(in: directory.url)
        try await TestGit.run(["remote", "add", "origin", Self.origin], in: directory.url)
        return directory
    }

    func publisher(_ access: RegistryAccess = RegistryAccess()) -> PlatformPublisher {
        PlatformPublisher(git: TestGit.client, access: access)
    }

    @Test func publishedArtifactIsReadByPeersAndExtractsToThePlatformFiles() async throws {
        let registry = try await LocalRegistry()
        let repository = try await platform(artifact: registry.url("acme/platform"))
        let report = try await publisher().run(PublishRequest(repository: repository.url))
        #expect(report.tag == "0.0.1")  // staging tracks 0.0.x and nothing is published yet
        #expect(!report.alreadyPublished)
        #expect(report.url == "oci://\(registry.host)/acme/platform@\(report.digest)")
        let head = try await TestGit.run(["rev-parse", "HEAD"], in: repository.url).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(report.revision == "main@sha1:\(head)")
        #expect(report.created == "2026-01-02T03:04:05Z")  // the commit's time, not the clock

        let raw = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "skopeo", ["inspect", "--raw", "--tls-verify=false", "docker://\(registry.host)/acme/platform:0.0.1"])
        ).standardOutput
        #expect(Digest.sha256(raw) == report.digest)
        let manifest = try #require(OCIManifest.decode(raw))
        #expect(manifest.mediaType == "application/vnd.oci.image.manifest.v1+json")
        #expect(manifest.config.mediaType == "application/vnd.cncf.flux.config.v1+json")
        #expect(manifest.layers.map(\.mediaType) == ["application/vnd.cncf.flux.content.v1.tar+gzip"])
        #expect(
            manifest.annotations == [
                "org.opencontainers.image.created": "2026-01-02T03:04:05Z",
                "org.opencontainers.image.source": Self.origin,
                "org.opencontainers.image.revision": "main@sha1:\(head)",
            ])

        let pulled = try TemporaryDirectory()
        let (orasManifest, files) = try await OrasPeer.pull(
            host: registry.host, repository: "acme/platform", tag: "0.0.1", into: pulled.url)
        #expect((orasManifest["layers"] as? [[String: Any]])?.first?["digest"] as? String == report.layerDigest)
        let layer = try #require(files.first)
        #expect(Digest.sha256(try Data(contentsOf: URL(fileURLWithPath: layer))) == report.layerDigest)
        let extracted = try TemporaryDirectory()
        _ = try await SystemProcessRunner().checkedRun(ProcessInvocation("tar", ["-xzf", layer, "-C", extracted.path]))
        let listing = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("bash", ["-c", "cd '\(extracted.path)' && find . -type f | sort"])
        ).stdout
        #expect(listing == "./platform/configs/.gitkeep\n./platform/services/keda.yaml\n")
        #expect(try extracted.read("platform/services/keda.yaml") == repository.read("platform/services/keda.yaml"))
    }

    @Test func twoClonesOfOneCommitPublishTheSameDigests() async throws {
        let registry = try await LocalRegistry()
        let first = try await platform(artifact: registry.url("a/platform"))
        let parent = try TemporaryDirectory()
        let second = parent.url.appendingPathComponent("elsewhere/clone")
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "bash",
                [
                    "-c",
                    "umask 0002 && git clone -q '\(first.path)' '\(second.path)' && git -C '\(second.path)' remote set-url origin \(Self.origin)",
                ],
                environment: TestGit.environment))
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "bash",
                [
                    "-c",
                    "find '\(second.path)/platform' -exec touch -d 2030-05-06 {} + && chmod -R g+w '\(second.path)/platform'",
                ]))
        try Data("artifact: \(registry.url("b/platform"))\n".utf8).write(
            to: second.appendingPathComponent("lockmaster.yaml"))
        let a = try await publisher().run(PublishRequest(repository: first.url))
        let b = try await publisher().run(PublishRequest(repository: second, allowDirty: true))
        #expect(a.layerDigest == b.layerDigest)
        #expect(a.digest == b.digest)
    }

    @Test func republishingIsANoOpAndTagsAreNeverOverwritten() async throws {
        let registry = try await LocalRegistry()
        let repository = try await platform(artifact: registry.url("platform"))
        let first = try await publisher().run(PublishRequest(repository: repository.url))
        let again = try await publisher().run(PublishRequest(repository: repository.url))
        #expect(again.alreadyPublished)
        #expect(again.bytesUploaded == 0)
        #expect(again.tag == first.tag)
        let exact = try await publisher().run(PublishRequest(repository: repository.url, version: .exact(first.tag)))
        #expect(exact.alreadyPublished)

        try repository.write("platform/services/keda.yaml", "kind: ConfigMap # changed\n")
        try await TestGit.commitAll(in: repository.url, message: "change")
        await #expect {
            try await publisher().run(PublishRequest(repository: repository.url, version: .exact(first.tag)))
        } throws: { error in
            guard case .tagTaken(let tag, let existing, _) = error as? PublishError else { return false }
            return tag == first.tag && existing == first.digest
        }
        let client = RegistryClient(endpoint: try RegistryEndpoint.parse(registry.url("platform")))
        #expect(try await client.manifestDigest(first.tag) == first.digest)
        let next = try await publisher().run(PublishRequest(repository: repository.url))
        #expect(next.tag == "0.0.2")
        #expect(try await client.listTags().sorted() == ["0.0.1", "0.0.2"])
    }

    @Test func refusalsSayWhyAndChangeNothing() async throws {
        let registry = try await LocalRegistry(authentication: .basic(username: "ci", password: "right-password"))
        let repository = try await platform(artifact: registry.url("platform"))
        let good = RegistryAccess(
            credentials: RegistryCredentials(username: "ci", password: "right-password"), environment: [:])
        let wrong = RegistryAccess(
            credentials: RegistryCredentials(username: "ci", password: "wrong-password"), environment: [:])
        await #expect { try await publisher(wrong).run(PublishRequest(repository: repository.url)) } throws: { error in
            "\(error)"
                == "the registry \(registry.host) rejected the credentials; check the username and password (or token)"
        }
        await #expect {
            try await publisher(good).run(PublishRequest(repository: repository.url, version: .exact("latest")))
        } throws: {
            "\($0)".hasPrefix("latest is not a version Flux can select")
        }
        let port = try FreePort.find()
        await #expect {
            try await publisher(good).run(
                PublishRequest(repository: repository.url, target: "oci://127.0.0.1:\(port)/platform"))
        } throws: {
            "\($0)".hasPrefix("cannot reach the registry 127.0.0.1:\(port)")
        }
        try repository.write("platform/services/keda.yaml", "edited: true\n")
        await #expect(
            throws: RepositoryStateError.dirty(
                [StatusEntry(index: " ", workTree: "M", path: "platform/services/keda.yaml")], .publish)
        ) { try await publisher(good).run(PublishRequest(repository: repository.url)) }
        try await TestGit.run(["checkout", "--", "platform"], in: repository.url)
        try await TestGit.run(["rm", "-q", "-r", "platform"], in: repository.url)
        try await TestGit.commitAll(in: repository.url, message: "empty platform")
        await #expect { try await publisher(good).run(PublishRequest(repository: repository.url)) } throws: {
            "\($0)".hasPrefix("nothing to package")
        }
        let client = RegistryClient(
            endpoint: try RegistryEndpoint.parse(registry.url("platform")),
            credentials: RegistryCredentials(username: "ci", password: "right-password"))
        #expect(try await client.listTags() == [])
        #expect(try await TestGit.run(["status", "--porcelain"], in: repository.url) == "")
    }

    @Test func resolveFollowsFluxOnSetE() async throws {
        let registry = try await LocalRegistry()
        let workspace = try TemporaryDirectory()
        try workspace.write("config.json", "{}")
        try workspace.write("platform/a.yaml", "a: 1\n")
        let layer = workspace.url.appendingPathComponent("layer.tgz")
        _ = try ArtifactPackager(root: workspace.url, platformPaths: ["platform"]).package(to: layer)
        for tag in [
            "6.1.4", "6.1.5-beta.1", "6.1.5-rc.1", "6.1.5", "6.1.6-rc.1", "6.1.6", "6.2.1_ref.1234567", "6.2.1",
        ] {
            try await OrasPeer.push(
                host: registry.host, repository: "charts/app", tag: tag, layer: layer,
                config: workspace.url.appendingPathComponent("config.json"),
                annotations: ["org.opencontainers.image.revision": "tag \(tag)"])
        }
        let from = registry.url("charts/app")
        func resolve(_ range: String, filter: String? = nil) async throws -> ResolveReport {
            try await EnvironmentResolver().run(
                ResolveRequest(repository: nil, range: range, filter: filter, from: from))
        }
        let tilde = try await resolve("~6.1.x")
        #expect(tilde.tag == "6.1.6")
        #expect(tilde.sourceRevision == "tag 6.1.6")
        #expect(tilde.revision == "6.1.6@\(tilde.digest)")
        #expect(try await resolve(">= 6.1.x-0", filter: ".*-rc.*").tag == "6.1.6-rc.1")
        // Without Helm's `_` mapping, 6.2.1_ref.1234567 is not a version Flux considers.
        #expect(try await resolve(">= 6.2.0").candidates.map(\.tag) == ["6.2.1"])
        await #expect(throws: TagSelectionError.noMatch(range: ">= 6.1.x-0", filter: ".*-alpha.*")) {
            try await resolve(">= 6.1.x-0", filter: ".*-alpha.*")
        }
    }

    @Test func resolveEnvironmentsAgainstALayout() async throws {
        let layout = try TemporaryDirectory()
        let repository = try await platform(artifact: layout.path)
        let published = try await publisher().run(PublishRequest(repository: repository.url))
        let staging = try await EnvironmentResolver().run(
            ResolveRequest(repository: repository.url, environment: "staging"))
        #expect(staging.tag == published.tag)
        #expect(staging.digest == published.digest)
        #expect(staging.source == Self.origin)
        await #expect(throws: ResolveError.tagMissing(tag: "0.0.3", repository: layout.path)) {
            try await EnvironmentResolver().run(ResolveRequest(repository: repository.url, environment: "production"))
        }
        await #expect {
            try await EnvironmentResolver().run(ResolveRequest(repository: repository.url, environment: "development"))
        } throws: {
            "\($0)".hasPrefix("development tracks branch main, not OCI artifacts")
        }
    }
}
