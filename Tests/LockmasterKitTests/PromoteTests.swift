import Artifacts
import Foundation
import LockmasterKit
import Manifests
import Support
import TestSupport
import Testing

/// promote, rollback, history and status against a real registry and real git.
@Suite(.serialized) struct PromoteTests {
    /// A repository whose artifacts live in `registry`: staging tracks ~0.1.0, production pins 0.1.0.
    /// Publishes 0.1.0 and 0.1.1 (KEDA 2.14.0, then 2.14.1), and 0.2.0 outside staging's range.
    func fleet(_ registry: LocalRegistry) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        _ = try await RepositoryInitializer(git: TestGit.client).run(
            InitRequest(
                directory: directory.url, gitURL: "https://git.example.com/acme/platform.git",
                artifact: registry.url("acme/platform")))
        try directory.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: directory.url, message: "keda 2.14.0")
        let publisher = PlatformPublisher(git: TestGit.client)
        #expect(try await publisher.run(PublishRequest(repository: directory.url)).tag == "0.1.0")
        try directory.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        try await TestGit.commitAll(in: directory.url, message: "keda 2.14.1")
        #expect(try await publisher.run(PublishRequest(repository: directory.url)).tag == "0.1.1")
        try directory.write(
            "platform/services/extra.yaml",
            """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: HelmRepository
            metadata: {name: extra, namespace: extra}
            spec: {interval: 1h, url: https://charts.example.com/extra}

            """)
        try await TestGit.commitAll(in: directory.url, message: "extra")
        #expect(
            try await publisher.run(PublishRequest(repository: directory.url, version: .exact("0.2.0"))).tag == "0.2.0")
        return directory
    }

    func snapshot(_ repository: TemporaryDirectory) async throws -> String {
        try await TestGit.run(["for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"], in: repository.url)
            + TestGit.run(["status", "--porcelain"], in: repository.url)
            + repository.read("clusters/production/platform.yaml")
    }

    @Test func gatesRefuseAndChangeNothing() async throws {
        let registry = try await LocalRegistry()
        let repository = try await fleet(registry)
        let promoter = Promoter(git: TestGit.client)
        let before = try await snapshot(repository)
        func refused(_ version: String, _ matches: @escaping (any Error) -> Bool) async throws {
            await #expect {
                try await promoter.promote(
                    PromoteRequest(repository: repository.url, environment: "production", version: version))
            } throws: { matches($0) }
            #expect(try await snapshot(repository) == before)
        }
        try await refused("0.9.9") {
            "\($0)".hasPrefix("gate version-exists: 0.9.9 is not published in oci://\(registry.host)/acme/platform")
        }
        try await refused("0.2.0") { "\($0)".hasPrefix("gate previous-environment: 0.2.0") }
        try await refused("latest") { $0 as? PromoteError == .notSemver("latest") }
        await #expect(throws: PromoteError.notPinned(environment: "staging", kind: "tracks-range")) {
            try await promoter.promote(
                PromoteRequest(repository: repository.url, environment: "staging", version: "0.1.1"))
        }
        // Lower than the pin: pin 0.1.1 by hand first.
        let path = "clusters/production/platform.yaml"
        try repository.write(
            path, try repository.read(path).replacingOccurrences(of: "tag: \"0.1.0\"", with: "tag: \"0.1.1\""))
        let dirty = try await snapshot(repository)
        await #expect {
            try await promoter.promote(
                PromoteRequest(repository: repository.url, environment: "production", version: "0.1.0"))
        } throws: {
            "\($0)".hasPrefix("gate clean-tree")
        }
        #expect(try await snapshot(repository) == dirty)
        try await TestGit.commitAll(in: repository.url, message: "pin 0.1.1")
        let pinned = try await snapshot(repository)
        await #expect {
            try await promoter.promote(
                PromoteRequest(repository: repository.url, environment: "production", version: "0.1.0"))
        } throws: {
            "\($0)"
                == "gate order: 0.1.0 is lower than production's pin 0.1.1; that is a rollback: lockmaster rollback production --to 0.1.0"
        }
        #expect(try await snapshot(repository) == pinned)
        // Forcing needs a reason, and then passes the gate with the reason in the commit.
        await #expect(throws: PromoteError.forceNeedsReason) {
            try await promoter.promote(
                PromoteRequest(repository: repository.url, environment: "production", version: "0.2.0", force: true))
        }
        let forced = try await promoter.promote(
            PromoteRequest(
                repository: repository.url, environment: "production", version: "0.2.0",
                force: true, reason: "hotfix INC-42"))
        #expect(
            try await TestGit.run(["log", "-1", "--format=%B"], in: repository.url).contains(
                "Forced past the gates: hotfix INC-42"))
        #expect(
            forced.changes == [
                ServiceChange(
                    change: .added, kind: "HelmRepository", name: "extra/extra", to: "https://charts.example.com/extra")
            ])
    }

    @Test func aGoodPromotionChangesOneScalarOnItsBranch() async throws {
        let registry = try await LocalRegistry()
        let repository = try await fleet(registry)
        let path = "clusters/production/platform.yaml"
        let before = try repository.read(path)
        let report = try await Promoter(git: TestGit.client).promote(
            PromoteRequest(repository: repository.url, environment: "production", version: "0.1.1"))
        #expect(report.branch == "promote/production-0.1.1")
        #expect(
            try await TestGit.run(["rev-parse", "--abbrev-ref", "HEAD"], in: repository.url)
                == "promote/production-0.1.1\n")
        #expect(try repository.read(path) == before.replacingOccurrences(of: "tag: \"0.1.0\"", with: "tag: \"0.1.1\""))
        #expect(try await TestGit.run(["diff", "--name-only", "main"], in: repository.url) == "\(path)\n")
        let message = try await TestGit.run(["log", "-1", "--format=%B"], in: repository.url)
        #expect(message.hasPrefix("Promote production from 0.1.0 to 0.1.1\n\nfrom: 0.1.0 sha256:"))
        #expect(message.contains("to:   0.1.1 \(report.toDigest)\nsource revision: main@sha1:"))
        #expect(message.contains("^ upgraded    HelmRelease keda/keda 2.14.0 → 2.14.1"))
        #expect(
            report.changes == [
                ServiceChange(
                    change: .upgraded, kind: "HelmRelease", name: "keda/keda", from: "2.14.0", to: "2.14.1",
                    step: .patch)
            ])

        // History and rollback once the promotion is merged.
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        try await TestGit.run(["merge", "-q", "--no-ff", "--no-edit", report.branch], in: repository.url)
        let history = try await EnvironmentHistory(git: TestGit.client).run(
            repository: repository.url, environment: "production")
        #expect(history.map(\.to) == ["0.1.0", "0.1.1"])
        #expect(history.last?.from == "0.1.0")
        #expect(history.last?.digest == report.toDigest)
        let back = try await Promoter(git: TestGit.client).rollback(
            repository: repository.url, environment: "production", to: nil)
        #expect(back.to == "0.1.0")
        #expect(back.branch == "rollback/production-0.1.0")
        #expect(
            try await TestGit.run(["log", "-1", "--format=%s"], in: repository.url)
                == "Roll back production from 0.1.1 to 0.1.0\n")
    }

    @Test func statusReportsWhatFluxWouldResolve() async throws {
        let registry = try await LocalRegistry()
        let repository = try await fleet(registry)
        let report = try await FleetStatus(git: TestGit.client).run(FleetStatusRequest(repository: repository.url))
        let staging = try #require(report.environments.first { $0.name == "staging" })
        let client = RegistryClient(endpoint: try RegistryEndpoint.parse(registry.url("acme/platform")))
        let digest = try #require(try await client.manifestDigest("0.1.1"))
        #expect(staging.runs?.tag == "0.1.1")
        #expect(staging.runs?.revision == "0.1.1@\(digest)")  // FLUX.md §2.4: <tag>@sha256:<hex>
        let production = try #require(report.environments.first { $0.name == "production" })
        #expect(production.runs?.tag == "0.1.0")
        #expect(production.behind == "1 version behind staging (0.1.1)")
        let development = try #require(report.environments.first { $0.name == "development" })
        let head = try await TestGit.run(["rev-parse", "main"], in: repository.url).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(development.runs?.revision == "main@sha1:\(head)")
        #expect(staging.behind == "1 commit behind development")
    }
}
