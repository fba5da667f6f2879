import Artifacts
import Foundation
import LockmasterKit
import TestSupport
import Testing

/// Publishing through a proxy that injects resets, 5xx, 429, stalls and truncated answers: a tag is
/// never written unless its blobs are there and verify, a failed publish leaves the tag where it was,
/// and running it again completes.
@Suite(.serialized) struct RegistryFaultTests {
    @Test func soak() async throws {
        let registry = try await LocalRegistry()
        let proxy = try await FaultProxy(upstream: registry, rate: 0.1, seed: 42)
        let repository = try TemporaryDirectory()
        try repository.write(PlatformFixture.files())
        try await TestGit.commitAll(in: repository.url)
        try await TestGit.run(
            ["remote", "add", "origin", "https://git.example.com/acme/platform.git"], in: repository.url)
        let statistics = RegistryStatistics()
        let access = RegistryAccess(
            environment: [:], timeout: .milliseconds(800),
            retry: RetryPolicy(
                attempts: 6, base: .milliseconds(20), cap: .milliseconds(400), maxRetryAfter: .milliseconds(300),
                deadline: .seconds(20)),
            statistics: statistics)
        let publisher = PlatformPublisher(git: TestGit.client, access: access)
        let direct = RegistryClient(endpoint: try RegistryEndpoint.parse(registry.url("platform")))
        let target = "oci://\(proxy.host)/platform"

        var published: [String: String] = [:]
        var publishes = 0
        var failedAttempts = 0
        var violations = 0
        let clock = ContinuousClock()
        let start = clock.now
        for index in 1...200 {
            try repository.write(
                "platform/services/soak.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: soak, namespace: soak}\ndata: {round: \"\(index)\"}\n"
            )
            try await TestGit.commitAll(in: repository.url, message: "round \(index)")
            let tag = "1.0.\(index)"
            var report: PublishReport?
            for _ in 0..<10 where report == nil {
                do {
                    report = try await publisher.run(
                        PublishRequest(repository: repository.url, version: .exact(tag), target: target))
                } catch {
                    failedAttempts += 1
                    // A failed publish leaves the tag where it was: absent, or holding this same content.
                    if let digest = try await direct.manifestDigest(tag), try await !verify(digest, direct) {
                        violations += 1
                    }
                }
            }
            guard let report else {
                violations += 1
                continue
            }
            publishes += 1
            published[tag] = report.digest
            if try await direct.manifestDigest(tag) != report.digest { violations += 1 }
            if try await !verify(report.digest, direct) { violations += 1 }
        }
        // Nothing published earlier was moved.
        for (tag, digest) in published where try await direct.manifestDigest(tag) != digest { violations += 1 }
        let faults = proxy.statistics["faults"] ?? 0
        let retries = await statistics.retries
        let restarts = await statistics.uploadRestarts
        print(
            "soak: \(publishes) publishes, \(faults) faults injected over \(proxy.statistics["requests"] ?? 0) requests, "
                + "\(retries) retries, \(restarts) upload restarts, \(failedAttempts) publishes re-run, \(violations) violations, \(clock.now - start)"
        )
        #expect(publishes == 200)
        #expect(faults > 50)
        #expect(violations == 0)
    }

    /// Every blob of the manifest is present and its bytes match its digest.
    func verify(_ digest: String, _ client: RegistryClient) async throws -> Bool {
        guard let fetched = try await client.manifest(digest), let manifest = OCIManifest.decode(fetched.data) else {
            return false
        }
        for blob in [manifest.config] + manifest.layers {
            guard try await client.blobExists(blob.digest),
                Digest.sha256(try await client.blob(blob.digest)) == blob.digest
            else { return false }
        }
        return true
    }

    @Test func aPublishThatCannotGetThroughLeavesTheTagAndARerunCompletes() async throws {
        let registry = try await LocalRegistry()
        let proxy = try await FaultProxy(upstream: registry, rate: 1.0, seed: 1)
        let repository = try TemporaryDirectory()
        try repository.write(PlatformFixture.files())
        try await TestGit.commitAll(in: repository.url)
        try await TestGit.run(
            ["remote", "add", "origin", "https://git.example.com/acme/platform.git"], in: repository.url)
        let access = RegistryAccess(
            environment: [:], timeout: .milliseconds(500),
            retry: RetryPolicy(
                attempts: 3, base: .milliseconds(10), cap: .milliseconds(50), maxRetryAfter: .milliseconds(50),
                deadline: .seconds(5)))
        let direct = RegistryClient(endpoint: try RegistryEndpoint.parse(registry.url("platform")))
        let first = try await PlatformPublisher(git: TestGit.client).run(
            PublishRequest(repository: repository.url, version: .exact("2.0.0"), target: registry.url("platform")))
        try repository.write(
            "platform/services/keda.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: changed}\n")
        try await TestGit.commitAll(in: repository.url, message: "change")
        await #expect(throws: (any Error).self) {
            try await PlatformPublisher(git: TestGit.client, access: access).run(
                PublishRequest(
                    repository: repository.url, version: .exact("2.0.1"), target: "oci://\(proxy.host)/platform"))
        }
        #expect(try await direct.manifestDigest("2.0.1") == nil)
        #expect(try await direct.manifestDigest("2.0.0") == first.digest)
        let rerun = try await PlatformPublisher(git: TestGit.client).run(
            PublishRequest(repository: repository.url, version: .exact("2.0.1"), target: registry.url("platform")))
        #expect(try await direct.manifestDigest("2.0.1") == rerun.digest)
        #expect(try await verify(rerun.digest, direct))
    }
}
