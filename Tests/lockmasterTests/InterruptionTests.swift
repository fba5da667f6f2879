import Foundation
import Support
import TestSupport
import Testing

/// SIGINT in the middle of a commit, through the built binary: the change is completed or undone.
@Suite struct InterruptionTests {
    /// Runs `lockmaster arguments…` and sends SIGINT once the pre-commit hook has started (it then sleeps
    /// for a second): to lockmaster alone, or to its whole process group, as a terminal's Ctrl-C does.
    func interrupt(_ arguments: [String], in repository: TemporaryDirectory, wholeGroup: Bool) async throws
        -> ProcessOutput
    {
        let marker = repository.url.appendingPathComponent(".git/hook-started").path
        try repository.write(".git/hooks/pre-commit", "#!/bin/sh\ntouch '\(marker)'\nsleep 1\n")
        chmod(repository.url.appendingPathComponent(".git/hooks/pre-commit").path, 0o755)
        let script = """
            setsid "$@" & pid=$!
            while [ ! -e '\(marker)' ]; do sleep 0.01; done
            kill -INT \(wholeGroup ? "-- -$pid" : "$pid")
            wait $pid
            """
        return try await LockmasterBinary.run(
            arguments + ["--repo", repository.path], prefix: ["bash", "-c", script, "bash"])
    }

    func repository() async throws -> TemporaryDirectory {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        return repository
    }

    func state(_ repository: TemporaryDirectory) async throws -> String {
        try await TestGit.run(["for-each-ref", "--format=%(refname) %(objectname)"], in: repository.url)
            + TestGit.run(["symbolic-ref", "HEAD"], in: repository.url)
            + TestGit.run(["status", "--porcelain", "--untracked-files=all"], in: repository.url)
    }

    @Test func ctrlCToTheWholeGroupUndoesTheChange() async throws {
        let repository = try await repository()
        let before = try await state(repository)
        let result = try await interrupt(["sandbox", "create", "OPS-5-int"], in: repository, wholeGroup: true)
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stderr.contains("nothing is half-written"))
        // git commit died with the group; the command put everything back before stopping.
        #expect(try await state(repository) == before)
    }

    @Test func sigintToLockmasterAloneLetsTheChangeComplete() async throws {
        let repository = try await repository()
        let result = try await interrupt(["sandbox", "create", "OPS-6-int"], in: repository, wholeGroup: false)
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stderr.contains("stopping at the next safe point"))
        // The commit was allowed to finish: the branch holds it and the work tree is clean.
        #expect(
            try await TestGit.run(["log", "-1", "--format=%s", "OPS-6-int"], in: repository.url).hasPrefix(
                "Create sandbox OPS-6-int"))
        #expect(try await TestGit.run(["status", "--porcelain", "--untracked-files=all"], in: repository.url).isEmpty)
    }

    /// kill -9 to the whole group while git commit runs: nothing gets to undo anything.
    func killHard(_ arguments: [String], in repository: TemporaryDirectory) async throws -> ProcessOutput {
        let marker = repository.url.appendingPathComponent(".git/hook-started").path
        try? FileManager.default.removeItem(atPath: marker)
        try repository.write(
            ".git/hooks/pre-commit", "#!/bin/sh\n[ -e .git/hold ] || exit 0\ntouch '\(marker)'\nsleep 30\n")
        chmod(repository.url.appendingPathComponent(".git/hooks/pre-commit").path, 0o755)
        try repository.write(".git/hold", "")
        let script = """
            setsid "$@" & pid=$!
            while [ ! -e '\(marker)' ]; do sleep 0.01; done
            kill -KILL -- -$pid
            wait $pid
            """
        let output = try await LockmasterBinary.run(
            arguments + ["--repo", repository.path], prefix: ["bash", "-c", script, "bash"])
        try FileManager.default.removeItem(at: repository.url.appendingPathComponent(".git/hold"))
        return output
    }

    @Test func aSandboxKilledBeforeItsCommitIsNamedAndResumed() async throws {
        let repository = try await repository()
        let before = try await state(repository)
        let killed = try await killHard(["sandbox", "create", "OPS-7-kill"], in: repository)
        #expect(killed.status == 137, "\(killed.stderr)")
        // What the kill left: the branch checked out, the copy staged, no commit.
        #expect(try await TestGit.run(["symbolic-ref", "--short", "HEAD"], in: repository.url) == "OPS-7-kill\n")
        #expect(
            try await TestGit.run(["status", "--porcelain"], in: repository.url).contains(
                "A  clusters/sandbox-ops-7-kill/"))

        let again = try await LockmasterBinary.run(["sandbox", "create", "OPS-7-kill", "--repo", repository.path])
        #expect(again.status == 1)
        #expect(
            again.stderr.contains(
                "an earlier sandbox create OPS-7-kill stopped before its commit; found: branch OPS-7-kill, checked out, with no sandbox commit; "
            ), "\(again.stderr)")
        #expect(
            again.stderr.contains("2 uncommitted paths under clusters/sandbox-ops-7-kill (2 staged)")
                && again.stderr.contains("--resume"), "\(again.stderr)")

        // The removal it names puts the repository back as it was.
        let line = try #require(again.stderr.split(separator: "\n").first { $0.hasPrefix("or remove what it left: ") })
        let removal = String(line.dropFirst("or remove what it left: ".count))
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "bash", ["-c", removal], workingDirectory: repository.url, environment: TestGit.environment))
        #expect(try await state(repository) == before)

        // Killed again, then resumed: the copy and the commit are made, and the report names the commit.
        _ = try await killHard(["sandbox", "create", "OPS-7-kill"], in: repository)
        let resumed = try await LockmasterBinary.run([
            "sandbox", "create", "OPS-7-kill", "--resume", "-o", "json", "--repo", repository.path,
        ])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let head = try await TestGit.run(["rev-parse", "HEAD"], in: repository.url).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(resumed.stdout.contains("\"commit\" : \"\(head)\""), "\(resumed.stdout)")
        #expect(
            try await TestGit.run(["log", "-1", "--format=%s"], in: repository.url).hasPrefix(
                "Create sandbox OPS-7-kill"))
        #expect(try await TestGit.run(["status", "--porcelain", "--untracked-files=all"], in: repository.url).isEmpty)
        // Resuming a finished sandbox reports the same commit and changes nothing.
        let twice = try await LockmasterBinary.run([
            "sandbox", "create", "OPS-7-kill", "--resume", "-o", "json", "--repo", repository.path,
        ])
        #expect(twice.status == 0 && twice.stdout.contains(head), "\(twice.stderr)")
    }

    @Test func aPromotionKilledBeforeItsCommitSaysWhatToRemove() async throws {
        let repository = try TemporaryDirectory()
        let artifacts = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact", artifacts.path,
            "--artifact-url", "oci://registry.example.com/p",
        ])
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        try await TestGit.commitAll(in: repository.url, message: "Upgrade KEDA")
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)
        let before = try await state(repository)

        let killed = try await killHard(["promote", "production", "0.1.1"], in: repository)
        #expect(killed.status == 137, "\(killed.stderr)")
        let again = try await LockmasterBinary.run(["promote", "production", "0.1.1", "--repo", repository.path])
        #expect(again.status == 1)
        #expect(
            again.stderr.contains(
                "an earlier promotion stopped before its commit; found: branch promote/production-0.1.1, checked out, with no promotion commit; "
                    + "uncommitted clusters/production/platform.yaml"), "\(again.stderr)")
        let line = try #require(
            again.stderr.split(separator: "\n").first {
                $0.hasPrefix("Remove what it left, then run the promotion again: ")
            })
        let removal = String(line.dropFirst("Remove what it left, then run the promotion again: ".count))
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "bash", ["-c", removal], workingDirectory: repository.url, environment: TestGit.environment))
        #expect(try await state(repository) == before)
        let promoted = try await LockmasterBinary.run(["promote", "production", "0.1.1", "--repo", repository.path])
        #expect(promoted.status == 0, "\(promoted.stderr)")

        // The branch of a finished promotion is named as such, not as an interruption.
        _ = try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        let existing = try await LockmasterBinary.run(["promote", "production", "0.1.1", "--repo", repository.path])
        #expect(existing.status == 1)
        #expect(
            existing.stderr.contains("branch promote/production-0.1.1 already holds a promotion (1 commit)"),
            "\(existing.stderr)")
    }
}
