import Foundation
import GitKit
import TestSupport
import Testing

@Suite struct ProcessGitClientTests {
    let git = TestGit.client

    @Test func initialiseCommitAndInspect() async throws {
        let directory = try TemporaryDirectory()
        #expect(try await git.workTreeRoot(containing: directory.url) == nil)
        try await git.initialize(at: directory.url, initialBranch: "main")
        #expect(try await git.workTreeRoot(containing: directory.url)?.path == directory.url.path)
        try directory.write("a/b.yaml", "x: 1\n")
        #expect(try await git.status(in: directory.url) == ["?? a/b.yaml"])
        try await git.add(["."], in: directory.url)
        let commit = try await git.commit(message: "add b", in: directory.url)
        #expect(commit.count == 40)
        #expect(try await git.status(in: directory.url).isEmpty)
        #expect(try await git.currentBranch(in: directory.url) == "main")
        #expect(try await git.remoteURL(named: "origin", in: directory.url) == nil)
        try await TestGit.run(["remote", "add", "origin", "ssh://git@example.com/acme/platform"], in: directory.url)
        #expect(try await git.remoteURL(named: "origin", in: directory.url) == "ssh://git@example.com/acme/platform")
    }

    @Test func aFailingCommandNamesItself() async throws {
        let directory = try TemporaryDirectory()
        try await git.initialize(at: directory.url, initialBranch: "main")
        await #expect { try await git.commit(message: "nothing staged", in: directory.url) } throws: {
            "\($0)".contains("'git -C \(directory.path) commit --quiet --file=-' exited with status 1")
        }
    }
}
