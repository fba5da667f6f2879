import Artifacts
import Foundation
import LockmasterKit
import Support
import TestSupport
import Testing

/// Commands that write files or commit either complete or leave the work tree, index, branches and
/// files as they were, when a write step fails: a git hook rejects the commit, or the disk is full.
@Suite(.serialized) struct RepositorySafetyTests {
    /// Branches, HEAD, index and work tree (every file but .git, with its hash).
    func snapshot(_ repository: TemporaryDirectory) async throws -> String {
        let files = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "bash",
                [
                    "-c",
                    "cd '\(repository.path)' && find . -path ./.git -prune -o -print0 | sort -z | xargs -0 -I{} sh -c 'if [ -f \"{}\" ]; then sha256sum \"{}\"; else echo \"dir {}\"; fi'",
                ])
        ).stdout
        return try await TestGit.run(["for-each-ref", "--format=%(refname) %(objectname)"], in: repository.url)
            + TestGit.run(["symbolic-ref", "HEAD"], in: repository.url)
            + TestGit.run(["status", "--porcelain", "--untracked-files=all"], in: repository.url) + files
    }

    func repository() async throws -> TemporaryDirectory {
        let repository = try TemporaryDirectory()
        _ = try await RepositoryInitializer(git: TestGit.client).run(
            InitRequest(
                directory: repository.url, gitURL: "https://git.example.com/acme/platform.git", artifact: "artifacts",
                artifactURL: "oci://registry.example.com/acme/platform"))
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try repository.write(
            "clusters/development/apps/podinfo.yaml",
            PlatformFixture.keda().replacingOccurrences(of: "keda", with: "podinfo"))
        try repository.write(
            "clusters/staging/apps/podinfo.yaml",
            PlatformFixture.keda().replacingOccurrences(of: "keda", with: "podinfo").replacingOccurrences(
                of: "2.14.0", with: "2.13.0"))
        try repository.write(".gitignore", "artifacts/\n")
        try await TestGit.commitAll(in: repository.url)
        return repository
    }

    /// Versions 0.1.0 and 0.1.1 in the repository's layout store, so production has somewhere to go.
    func publishTwice(_ repository: TemporaryDirectory) async throws {
        _ = try await PlatformPublisher(git: TestGit.client).run(PublishRequest(repository: repository.url))
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        try await TestGit.commitAll(in: repository.url, message: "upgrade")
        _ = try await PlatformPublisher(git: TestGit.client).run(PublishRequest(repository: repository.url))
    }

    /// Every command that writes into clusters/ and commits, ready to run against `repository`.
    func committingCommands(_ repository: TemporaryDirectory, sandbox: String) -> [(String, () async throws -> Void)] {
        [
            (
                "sandbox create",
                {
                    _ = try await SandboxCreator(git: TestGit.client).run(
                        SandboxCreateRequest(repository: repository.url, name: sandbox))
                }
            ),
            (
                "promote",
                {
                    _ = try await Promoter(git: TestGit.client).promote(
                        PromoteRequest(repository: repository.url, environment: "production", version: "0.1.1"))
                }
            ),
            (
                "promote --no-branch",
                {
                    _ = try await Promoter(git: TestGit.client).promote(
                        PromoteRequest(
                            repository: repository.url, environment: "production", version: "0.1.1", branch: .current))
                }
            ),
            (
                "promote app",
                {
                    _ = try await AppPromoter(git: TestGit.client).run(
                        AppPromoteRequest(
                            repository: repository.url, name: "podinfo", from: "development", to: "staging"))
                }
            ),
        ]
    }

    func rejectCommits(_ repository: TemporaryDirectory) throws {
        try repository.write(".git/hooks/pre-commit", "#!/bin/sh\necho 'commit rejected by policy' >&2\nexit 1\n")
        chmod(repository.url.appendingPathComponent(".git/hooks/pre-commit").path, 0o755)
    }

    @Test func aRejectedCommitLeavesEverythingAsItWas() async throws {
        let repository = try await repository()
        try await publishTwice(repository)
        try rejectCommits(repository)
        let before = try await snapshot(repository)
        for (name, attempt) in committingCommands(repository, sandbox: "OPS-2-hook") {
            await #expect(throws: (any Error).self, "\(name) must fail") { try await attempt() }
            #expect(try await snapshot(repository) == before, "\(name) left the repository changed")
        }
    }

    @Test(.enabled(if: RepositorySafetyTests.canMountTmpfs(), "needs a small tmpfs (mount as root)"))
    func aFullDiskLeavesNoPartialFiles() async throws {
        let repository = try await repository()
        let full = try TemporaryDirectory()
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", full.path]))
        defer { _ = try? SystemProcessRunner.unmount(full.path) }
        // A package larger than the disk.
        var seed: UInt64 = 1
        let noise = (0..<20_000).map { _ in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            return String(seed, radix: 36)
        }.joined(separator: "\n")
        try repository.write(
            "platform/configs/noise.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: noise}\ndata: {noise: \"\(noise)\"}\n")
        #expect(throws: (any Error).self) {
            try ArtifactPackager(root: repository.url, platformPaths: ["platform"]).package(
                to: full.url.appendingPathComponent("platform.tgz"))
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: full.path)
        #expect(left == [], "left behind: \(left)")
        // init into a directory on the full disk: nothing is kept.
        await #expect(throws: (any Error).self) {
            try await RepositoryInitializer(git: TestGit.client).run(
                InitRequest(
                    directory: full.url.appendingPathComponent("platform"),
                    gitURL: "https://example.com/p.git", artifact: "oci://example.com/p"))
        }
        let remaining = (FileManager.default.enumerator(atPath: full.path)?.allObjects as? [String]) ?? []
        #expect(remaining == [], "left behind: \(remaining)")
    }

    /// `clusters/` is mounted read-only over itself: every write into it fails with EROFS, even as root.
    @Test(.enabled(if: RepositorySafetyTests.canMountTmpfs(), "needs mount (as root)"))
    func aReadOnlyDirectoryLeavesEverythingAsItWas() async throws {
        let repository = try await repository()
        try await publishTwice(repository)
        let clusters = repository.url.appendingPathComponent("clusters").path
        let before = try await snapshot(repository)
        _ = try await SystemProcessRunner().checkedRun(ProcessInvocation("mount", ["--bind", clusters, clusters]))
        defer { _ = try? SystemProcessRunner.unmount(clusters) }
        _ = try await SystemProcessRunner().checkedRun(ProcessInvocation("mount", ["-o", "remount,bind,ro", clusters]))
        for (name, attempt) in committingCommands(repository, sandbox: "OPS-3-ro") {
            let error = await #expect(throws: (any Error).self, "\(name) must fail") { try await attempt() }
            #expect(
                "\(error.map { "\($0)" } ?? "")".contains("Read-only file system"),
                "\(name) failed for another reason: \(String(describing: error))")
            #expect(try await snapshot(repository) == before, "\(name) left the repository changed")
        }
    }

    static func canMountTmpfs() -> Bool {
        guard getuid() == 0, let probe = try? TemporaryDirectory() else { return false }
        let mounted = mount("tmpfs", probe.path, "tmpfs", 0, "size=4k") == 0
        if mounted { umount(probe.path) }
        return mounted
    }
}

extension SystemProcessRunner {
    static func unmount(_ path: String) throws { umount(path) }
}
