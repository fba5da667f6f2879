import Foundation
import LockmasterKit
import Platform
import Support
import TestSupport
import Testing

/// The branch of record: lockmaster.yaml's `branch`, else origin/HEAD, else main, else master.
@Suite struct BaseBranchTests {
    static let environment = """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: platform, namespace: flux-system}
        spec: {interval: 1m, url: "https://git.example.com/p.git", ref: {branch: master}}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: platform, namespace: flux-system}
        spec: {interval: 10m, path: ./platform, prune: true, sourceRef: {kind: GitRepository, name: platform}}

        """

    /// A repository whose only branch is master, with no lockmaster.yaml.
    func masterRepository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        _ = try await TestGit.run(["init", "--quiet", "--initial-branch=master"], in: directory.url)
        try directory.write([
            "clusters/development/platform.yaml": Self.environment,
            "platform/settings.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s, namespace: default}\ndata: {a: \"1\"}\n",
        ])
        try await TestGit.commitAll(in: directory.url)
        return directory
    }

    @Test func aMasterRepositoryGetsItsBaseAndTheChangeRulesRun() async throws {
        let repository = try await masterRepository()
        _ = try await TestGit.run(["checkout", "--quiet", "-b", "PLAT-1-try"], in: repository.url)
        try repository.write("clusters/sandbox-plat-1-try/platform.yaml", Self.environment)
        try await TestGit.commitAll(in: repository.url)
        let report = try await MergeGuard(git: TestGit.client).run(
            CheckRequest(repository: repository.url, target: "master", environment: [:]))
        #expect(report.baseRef == "master" && report.branch == "master" && report.branchSource == "master exists")
        #expect(report.findings.map(\.rule).contains(.sandboxInMain), "\(report.findings)")
        #expect(report.notes.contains { $0.hasPrefix("the branch of record is master (master exists)") })
        // development tracks master here, which is the branch of record: no development-tracks-main.
        #expect(!report.findings.contains { $0.rule == .developmentTracksMain })
    }

    @Test func theRemotesDefaultBranchComesNextAndSettingsWin() async throws {
        let origin = try await masterRepository()
        _ = try await TestGit.run(["branch", "--quiet", "trunk"], in: origin.url)
        _ = try await TestGit.run(["symbolic-ref", "HEAD", "refs/heads/trunk"], in: origin.url)
        let home = try TemporaryDirectory()
        let clone = home.url.appendingPathComponent("clone")
        _ = try await TestGit.run(["clone", "--quiet", origin.path, clone.path], in: home.url)
        let settings = LockmasterSettings()
        #expect(
            await BaseBranch.resolve(root: clone, settings: settings, git: TestGit.client)
                == BaseBranch(name: "trunk", source: "the remote's default branch, origin/HEAD"))
        try Data("branch: release\n".utf8).write(to: clone.appendingPathComponent("lockmaster.yaml"))
        var explicit = settings
        explicit.branch = "release"
        #expect(
            await BaseBranch.resolve(root: clone, settings: explicit, git: TestGit.client)
                == BaseBranch(name: "release", source: "lockmaster.yaml"))
    }
}
