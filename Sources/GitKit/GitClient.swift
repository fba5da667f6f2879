public import Foundation

/// The git operations Lockmaster needs. Implementations run git with argv arrays, never shell strings.
public protocol GitClient: Sendable {
    /// The top level of the work tree containing `directory`, or nil when it is not in one.
    func workTreeRoot(containing directory: URL) async throws -> URL?
    /// `git init` with `branch` as the initial branch.
    func initialize(at directory: URL, initialBranch: String) async throws
    /// The URL of remote `name`, or nil when there is no such remote.
    func remoteURL(named name: String, in repository: URL) async throws -> String?
    /// Stages `paths` (relative to the work tree).
    func add(_ paths: [String], in repository: URL) async throws
    /// Commits what is staged; returns the new commit's id.
    func commit(message: String, in repository: URL) async throws -> String
    /// The current branch, or nil on a detached HEAD.
    func currentBranch(in repository: URL) async throws -> String?
    /// `git status --porcelain` lines; empty for a clean work tree.
    func status(in repository: URL) async throws -> [String]
    /// The commit `HEAD` points at, and its committer time in seconds since the epoch.
    func head(in repository: URL) async throws -> (commit: String, time: Int)
    /// `git status --porcelain` lines for `paths` only.
    func status(of paths: [String], in repository: URL) async throws -> [String]
    /// Untracked files under `paths` that git ignores (relative to the work tree).
    func ignoredFiles(under paths: [String], in repository: URL) async throws -> [String]
}
