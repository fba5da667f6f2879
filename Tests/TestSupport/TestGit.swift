public import Foundation
public import GitKit
import Support

/// git with no user or system configuration and a fixed identity, as SwiftPM's tests do.
public enum TestGit {
    public static let environment: [String: String] = [
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_ALLOW_PROTOCOL": "file",
        "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@lockmaster.invalid",
        "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@lockmaster.invalid",
        "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
    ]

    public static var client: ProcessGitClient { ProcessGitClient(environment: environment) }

    /// Runs git in `directory` and returns its stdout; throws when it fails.
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL) async throws -> String {
        try await SystemProcessRunner().checkedRun(
            ProcessInvocation("git", ["-C", directory.path] + arguments, environment: environment)
        ).stdout
    }

    /// Makes `directory` a repository on branch `main` with everything in it committed.
    public static func commitAll(in directory: URL, message: String = "fixture") async throws {
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent(".git").path) {
            try await run(["init", "--quiet", "--initial-branch=main"], in: directory)
        }
        try await run(["add", "-A"], in: directory)
        try await run(["commit", "--quiet", "--allow-empty", "-m", message], in: directory)
    }
}
