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
        #expect(try await git.status(in: directory.url) == [StatusEntry(index: "?", workTree: "?", path: "a/b.yaml")])
        try await git.add(["."], in: directory.url)
        let commit = try await git.commit(message: "add b", in: directory.url)
        #expect(commit.count == 40)
        #expect(try await git.status(in: directory.url).isEmpty)
        #expect(try await git.currentBranch(in: directory.url) == "main")
        #expect(try await git.remoteURL(named: "origin", in: directory.url) == nil)
        try await TestGit.run(["remote", "add", "origin", "ssh://git@example.com/acme/platform"], in: directory.url)
        #expect(try await git.remoteURL(named: "origin", in: directory.url) == "ssh://git@example.com/acme/platform")
        // A mirror rule changes where git fetches from, not the URL Flux sources name.
        try await TestGit.run(["config", "url./srv/mirror/.insteadOf", "ssh://git@example.com/"], in: directory.url)
        #expect(try await git.remoteURL(named: "origin", in: directory.url) == "ssh://git@example.com/acme/platform")
    }

    /// A path git would quote in its line form ("a b", a quote, a newline) is the path itself, and a
    /// rename is one entry under its new path.
    @Test func statusReadsPathsAsTheyAre() async throws {
        let directory = try TemporaryDirectory()
        try await git.initialize(at: directory.url, initialBranch: "main")
        try directory.write("old.yaml", "x: 1\n")
        try await git.add(["."], in: directory.url)
        _ = try await git.commit(message: "add old", in: directory.url)
        try await TestGit.run(["mv", "old.yaml", "new.yaml"], in: directory.url)
        try directory.write("with space/\"quoted\"\nline.yaml", "y: 2\n")
        let entries = try await git.status(in: directory.url)
        #expect(
            entries == [
                StatusEntry(index: "R", workTree: " ", path: "new.yaml"),
                StatusEntry(index: "?", workTree: "?", path: "with space/\"quoted\"\nline.yaml"),
            ])
        #expect(entries.map(\.isStaged) == [true, false])
        #expect(
            try await git.status(of: ["with space"], in: directory.url).map(\.path) == [
                "with space/\"quoted\"\nline.yaml"
            ])
    }

    /// A name git would take for an option (`git log --output=FILE` writes a file) never reaches git.
    @Test func optionLikeRevisionsAreRefused() async throws {
        let directory = try TemporaryDirectory()
        try await git.initialize(at: directory.url, initialBranch: "main")
        try directory.write("a.yaml", "x: 1\n")
        try await git.add(["."], in: directory.url)
        _ = try await git.commit(message: "add a", in: directory.url)
        let target = directory.url.appendingPathComponent("written").path
        let hostile = "--output=\(target)"
        await #expect(throws: OptionLikeRevision(text: hostile)) {
            try await git.commits(on: hostile, touching: nil, limit: 1, in: directory.url)
        }
        await #expect(throws: OptionLikeRevision(text: hostile)) { try await git.resolve(hostile, in: directory.url) }
        await #expect(throws: OptionLikeRevision(text: hostile)) {
            try await git.aheadBehind("main", hostile, in: directory.url)
        }
        await #expect(throws: OptionLikeRevision(text: "main\nx")) {
            try await git.createBranch("main\nx", from: "main", in: directory.url)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try await git.resolve("main", in: directory.url)?.count == 40)
    }

    @Test func aFailingCommandNamesItself() async throws {
        let directory = try TemporaryDirectory()
        try await git.initialize(at: directory.url, initialBranch: "main")
        await #expect { try await git.commit(message: "nothing staged", in: directory.url) } throws: {
            "\($0)".contains("'git -C \(directory.path) commit --quiet --file=-' exited with status 1")
        }
    }
}
