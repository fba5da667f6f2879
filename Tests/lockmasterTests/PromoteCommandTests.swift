import Foundation
import Support
import TestSupport
import Testing

/// promote, rollback, history and status --live through the built binary.
@Suite struct PromoteCommandTests {
    @Test func promoteHistoryRollbackAndLiveStatus() async throws {
        let layout = try TemporaryDirectory()
        let repository = try TemporaryDirectory()
        let initialised = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git",
            "--artifact", layout.path, "--artifact-url", "oci://registry.example.com/p",
        ])
        #expect(initialised.status == 0)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        try await TestGit.commitAll(in: repository.url, message: "upgrade")
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)

        let promoted = try await LockmasterBinary.run([
            "promote", "production", "0.1.1", "--repo", repository.path, "-o", "json",
        ])
        #expect(promoted.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: promoted.standardOutput) as? [String: Any])
        #expect(report["branch"] as? String == "promote/production-0.1.1")
        #expect((report["changes"] as? [[String: Any]])?.first?["change"] as? String == "upgraded")
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        try await TestGit.run(["merge", "-q", "--no-ff", "--no-edit", "promote/production-0.1.1"], in: repository.url)
        let lower = try await LockmasterBinary.run(["promote", "production", "0.1.0", "--repo", repository.path])
        #expect(lower.status == 1)
        #expect(lower.stderr.contains("gate order"))
        let forceWithoutReason = try await LockmasterBinary.run([
            "promote", "production", "0.1.0", "--force", "--repo", repository.path,
        ])
        #expect(forceWithoutReason.status == 64)

        let history = try await LockmasterBinary.run(["history", "production", "--repo", repository.path, "-o", "json"])
        let changes = try #require(try JSONSerialization.jsonObject(with: history.standardOutput) as? [[String: Any]])
        #expect(changes.map { $0["to"] as? String } == ["0.1.0", "0.1.1"])
        let rolledBack = try await LockmasterBinary.run(["rollback", "production", "--repo", repository.path])
        #expect(rolledBack.status == 0)
        #expect(rolledBack.stdout.hasPrefix("rolled back production: 0.1.1 → 0.1.0"))

        let kubectl = try KubectlStandIn()
        let status = try await LockmasterBinary.run(
            ["status", "--repo", repository.path, "--context", "production=gone", "-o", "json"],
            environment: ["LOCKMASTER_KUBECTL": kubectl.program])
        #expect(status.status == 0)
        let fleet = try #require(try JSONSerialization.jsonObject(with: status.standardOutput) as? [String: Any])
        let environments = try #require(fleet["environments"] as? [[String: Any]])
        let production = try #require(environments.first { $0["name"] as? String == "production" })
        #expect((production["live"] as? [String: Any])?["error"] as? String != nil)
        #expect((production["runs"] as? [String: Any])?["tag"] as? String == "0.1.0")
        let staging = try #require(environments.first { $0["name"] as? String == "staging" })
        #expect((staging["runs"] as? [String: Any])?["tag"] as? String == "0.1.1")
    }
}
