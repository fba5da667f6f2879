import Foundation
import LockmasterKit
import Support
import TestSupport
import Testing

/// The one all-or-nothing write every command uses (promote, promote app, sandbox create, sandbox
/// delete): done, or undone to the byte — files, index, branches and HEAD. Ctrl-C and kill -9 through
/// those commands are in InterruptionTests; the refusing hook and the read-only tree are here once.
@Suite struct WorkTreeChangeTests {
    /// A repository with a tracked pin file, on main.
    func repository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write(["clusters/production/pin.yaml": "tag: 0.1.0\n", "README.md": "platform\n"])
        try await TestGit.commitAll(in: directory.url)
        return directory
    }

    /// Branches, HEAD, status and every file but .git: what an undone change must leave as it was.
    func snapshot(_ repository: TemporaryDirectory) async throws -> String {
        let branches = try await TestGit.run(
            ["branch", "--list", "--format=%(refname) %(objectname)"], in: repository.url)
        let head = try await TestGit.run(["symbolic-ref", "HEAD"], in: repository.url)
        let status = try await TestGit.run(["status", "--porcelain", "--untracked-files=all"], in: repository.url)
        let files = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "bash",
                [
                    "-c",
                    "cd '\(repository.path)' && find . -path ./.git -prune -o -print0 | sort -z | xargs -0 ls -ld --time-style=+ | awk '{print $1, $5, $NF}'; find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum",
                ])
        ).stdout
        return branches + head + status + files
    }

    /// Edits the tracked pin and adds a new directory: both kinds of path a change writes.
    func edit(_ repository: TemporaryDirectory) throws {
        try repository.write("clusters/production/pin.yaml", "tag: 0.2.0\n")
        try repository.write("clusters/sandbox-x/platform.yaml", "kind: Kustomization\n")
    }

    let paths = ["clusters/production/pin.yaml", "clusters/sandbox-x"]

    @Test func aChangeIsCommittedOnItsBranch() async throws {
        let repository = try await repository()
        let change = WorkTreeChange(git: TestGit.client, root: repository.url)
        let done = try await change.commit(
            on: .new("promote/production-0.2.0", from: "main"), paths: paths,
            message: { _ in "Promote production to 0.2.0" }
        ) {
            try edit(repository)
        }
        #expect(done.branch == "promote/production-0.2.0")
        #expect(try await TestGit.run(["rev-parse", "HEAD"], in: repository.url) == done.commit + "\n")
        #expect(try await TestGit.run(["status", "--porcelain"], in: repository.url) == "")
        #expect(
            try await TestGit.run(["show", "main:clusters/production/pin.yaml"], in: repository.url) == "tag: 0.1.0\n")
        // Staging only, with no message: everything staged, nothing committed.
        let staged = try await change.run(on: .current, paths: ["notes"], message: { _ in nil }) {
            try repository.write("notes/a.txt", "a\n")
        }
        #expect(staged.commit == nil)
        #expect(try await TestGit.run(["status", "--porcelain"], in: repository.url) == "A  notes/a.txt\n")
    }

    @Test func aRefusingHookUndoesEverything() async throws {
        let repository = try await repository()
        let hook = repository.url.appendingPathComponent(".git/hooks/pre-commit")
        try Data("#!/bin/sh\necho 'no ticket in the message' >&2\nexit 1\n".utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        let before = try await snapshot(repository)
        for branch in [WorkTreeChange.Branch.new("promote/production-0.2.0", from: "main"), .current] {
            await #expect {
                try await WorkTreeChange(git: TestGit.client, root: repository.url).commit(
                    on: branch, paths: paths, message: { _ in "x" }
                ) {
                    try edit(repository)
                }
            } throws: { "\($0)".contains("no ticket in the message") }
            #expect(try await snapshot(repository) == before)
        }
    }

    @Test func aFailingEditUndoesWhatItWrote() async throws {
        let repository = try await repository()
        let before = try await snapshot(repository)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await WorkTreeChange(git: TestGit.client, root: repository.url).commit(
                on: .new("b", from: "main"), paths: paths, message: { _ in "x" }
            ) {
                try edit(repository)
                throw Refused()
            }
        }
        #expect(try await snapshot(repository) == before)
    }

    /// A directory the change cannot write into (a read-only bind mount): the error is the file
    /// system's, and nothing stays.
    @Test(.enabled(if: RepositorySafetyTests.canMountTmpfs(), "needs mount (as root)"))
    func aReadOnlyTreeUndoesEverything() async throws {
        let repository = try await repository()
        let production = repository.url.appendingPathComponent("clusters/production").path
        _ = try await SystemProcessRunner().checkedRun(ProcessInvocation("mount", ["--bind", production, production]))
        defer { umount(production) }
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("mount", ["-o", "remount,bind,ro", production]))
        let before = try await snapshot(repository)
        let error = await #expect(throws: (any Error).self) {
            try await WorkTreeChange(git: TestGit.client, root: repository.url).commit(
                on: .new("b", from: "main"), paths: paths, message: { _ in "x" }
            ) {
                try repository.write("clusters/sandbox-x/platform.yaml", "kind: Kustomization\n")
                try repository.write("clusters/production/pin.yaml", "tag: 0.2.0\n")
            }
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("Read-only file system"), "\(String(describing: error))")
        #expect(try await snapshot(repository) == before)
    }
}
