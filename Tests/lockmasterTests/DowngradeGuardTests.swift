import Foundation
import Support
import TestSupport
import Testing

/// A tag deleted from the artifact repository: staging's range falls back to a lower version, and
/// resolve and status say so, from git history and from what the cluster fetched.
@Suite struct DowngradeGuardTests {
    @Test func aDeletedTagIsADowngrade() async throws {
        let (layout, repository) = try await LockmasterBinary.scaffold()
        for version in ["2.14.1", "2.14.2"] {
            #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)
            try repository.write(
                "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: version))
            try await TestGit.commitAll(in: repository.url, message: version)
        }
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)
        let indexFile = layout.url.appendingPathComponent("index.json")
        let published = try Data(contentsOf: indexFile)
        // 0.1.2 disappears from the layout: the range now picks 0.1.1.
        func deleteTag() throws {
            var index = try #require(try JSONSerialization.jsonObject(with: published) as? [String: Any])
            index["manifests"] = (index["manifests"] as? [[String: Any]] ?? []).filter {
                ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] != "0.1.2"
            }
            try JSONSerialization.data(withJSONObject: index).write(to: indexFile)
        }

        // Nothing in git says staging ran 0.1.2 yet; its cluster does.
        try deleteTag()
        #expect(
            try await LockmasterBinary.run(["resolve", "staging", "--fail-on-downgrade", "--repo", repository.path])
                .status == 0)
        let kubectl = try KubectlStandIn()
        try kubectl.answer(
            context: "stage",
            objects: [
                KubectlStandIn.object(
                    apiVersion: "source.toolkit.fluxcd.io/v1", kind: "OCIRepository", name: "platform", ready: true,
                    status: ["artifact": ["revision": "0.1.2@sha256:" + String(repeating: "a", count: 64)]])
            ])
        let live = try await LockmasterBinary.run(
            ["status", "--live", "--context", "staging=stage", "--repo", repository.path],
            environment: ["LOCKMASTER_KUBECTL": kubectl.program])
        #expect(
            live.stdout.contains(
                "warning: downgrade: staging resolves 0.1.1 now but ran 0.1.2 (its cluster (context stage) runs 0.1.2@sha256:"
            ), "\(live.stdout)")

        // Production pinned to 0.1.2 (which staging ran), then the tag deleted: git history is the evidence.
        try published.write(to: indexFile)
        #expect(
            try await LockmasterBinary.run(["promote", "production", "0.1.2", "--no-branch", "--repo", repository.path])
                .status == 0)
        let clean = try await LockmasterBinary.run([
            "resolve", "staging", "--fail-on-downgrade", "--repo", repository.path,
        ])
        #expect(clean.status == 0)
        #expect(!clean.stdout.contains("downgrade"))
        try deleteTag()

        let resolved = try await LockmasterBinary.run(["resolve", "staging", "--repo", repository.path])
        #expect(resolved.status == 0)
        #expect(
            resolved.stdout.contains(
                "warning: downgrade: staging resolves 0.1.1 now but ran 0.1.2 (production was pinned to 0.1.2 in "))
        #expect(
            try await LockmasterBinary.run(["resolve", "staging", "--fail-on-downgrade", "--repo", repository.path])
                .status == 1)
        let json = try await LockmasterBinary.run(["resolve", "staging", "-o", "json", "--repo", repository.path])
        let report = try #require(try JSONSerialization.jsonObject(with: json.standardOutput) as? [String: Any])
        #expect((report["downgrade"] as? [String: Any])?["from"] as? String == "0.1.2")
        #expect((report["downgrade"] as? [String: Any])?["to"] as? String == "0.1.1")

        // status says it too.
        let status = try await LockmasterBinary.run(["status", "--repo", repository.path])
        #expect(status.stdout.contains("warning: downgrade: staging resolves 0.1.1 now but ran 0.1.2"))
    }
}
