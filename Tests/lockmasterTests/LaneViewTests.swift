import Foundation
import Support
import TestSupport
import Testing

/// `diff --lane`: where a change goes after it merges, environment by environment.
@Suite struct LaneViewTests {
    private static func lane(_ repository: TemporaryDirectory) async throws -> [[String: Any]] {
        let output = try await LockmasterBinary.run(["diff", "--lane", "-o", "json", "--repo", repository.path])
        let report = try #require(
            try JSONSerialization.jsonObject(with: output.standardOutput) as? [String: Any], "\(output.stderr)")
        return try #require(report["lane"] as? [[String: Any]])
    }

    @Test func aPlatformChangeTravelsTheLaneAndADirectoryChangeArrivesAtMerge() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)

        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        let platform = try await Self.lane(repository)
        #expect(platform.map { $0["environment"] as? String } == ["development", "staging", "production"])
        #expect(platform.map { $0["when"] as? String } == ["at-merge", "next-publish", "after-promotion"])
        #expect(platform.map { $0["version"] as? String } == [nil, "0.1.1", "0.1.1"])
        #expect((platform[2]["detail"] as? String)?.contains("lockmaster promote production 0.1.1") == true)
        let text = try await LockmasterBinary.run(["diff", "--lane", "--repo", repository.path])
        #expect(
            text.stdout.contains(
                "  staging      next-publish     at the next publish: 0.1.1 (what lockmaster publish produces), which ~0.1.0 admits"
            ))

        try await TestGit.run(["checkout", "--", "platform"], in: repository.url)
        try repository.write(
            "clusters/staging/extra.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: default}\n")
        #expect(
            try await Self.lane(repository).map { $0["when"] as? String } == ["unchanged", "at-merge", "unchanged"])

        #expect(
            try await LockmasterBinary.run([
                "diff", "--lane", "--versions", "0.1.0", "0.1.0", "--repo", repository.path,
            ]).status == 64)
    }
}
