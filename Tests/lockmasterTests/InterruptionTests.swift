import Foundation
import Support
import TestSupport
import Testing

/// SIGINT in the middle of a commit, through the built binary: the change is completed or undone.
@Suite struct InterruptionTests {
    /// Runs `lockmaster arguments…` and sends SIGINT once the pre-commit hook has started (it then sleeps
    /// for a second): to lockmaster alone, or to its whole process group, as a terminal's Ctrl-C does.
    func interrupt(_ arguments: [String], in repository: TemporaryDirectory, wholeGroup: Bool) async throws -> ProcessOutput {
        let marker = repository.url.appendingPathComponent(".git/hook-started").path
        try repository.write(".git/hooks/pre-commit", "#!/bin/sh\ntouch '\(marker)'\nsleep 1\n")
        chmod(repository.url.appendingPathComponent(".git/hooks/pre-commit").path, 0o755)
        let script = """
            setsid "$@" & pid=$!
            while [ ! -e '\(marker)' ]; do sleep 0.01; done
            kill -INT \(wholeGroup ? "-- -$pid" : "$pid")
            wait $pid
            """
        return try await LockmasterBinary.run(arguments + ["--repo", repository.path], prefix: ["bash", "-c", script, "bash"])
    }

    func repository() async throws -> TemporaryDirectory {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run(["init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact", "oci://registry.example.com/p"])
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
        #expect(try await TestGit.run(["log", "-1", "--format=%s", "OPS-6-int"], in: repository.url).hasPrefix("Create sandbox OPS-6-int"))
        #expect(try await TestGit.run(["status", "--porcelain", "--untracked-files=all"], in: repository.url).isEmpty)
    }
}
