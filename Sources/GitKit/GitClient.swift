public import Foundation

/// The git operations Lockmaster needs. Implementations run git with argv arrays, never shell strings.
public protocol GitClient: Sendable {
    /// The top level of the work tree containing `directory`, or nil when it is not in one.
    func workTreeRoot(containing directory: URL) async throws -> URL?
    /// `git init` with `branch` as the initial branch.
    func initialize(at directory: URL, initialBranch: String) async throws
    /// The URL of remote `name`, or nil when there is no such remote.
    func remoteURL(named name: String, in repository: URL) async throws -> String?
    /// The branch `origin/HEAD` points at (the remote's default branch, as `git clone` records it).
    func remoteDefaultBranch(in repository: URL) async throws -> String?
    /// The e-mail address git would author a commit with (`git var GIT_AUTHOR_IDENT`), nil when git has none.
    func authorEmail(in repository: URL) async throws -> String?
    /// Stages `paths` (relative to the work tree).
    func add(_ paths: [String], in repository: URL) async throws
    /// Commits what is staged; returns the new commit's id.
    func commit(message: String, in repository: URL) async throws -> String
    /// The current branch, or nil on a detached HEAD.
    func currentBranch(in repository: URL) async throws -> String?
    /// What `git status` reports, untracked files included; empty for a clean work tree.
    func status(in repository: URL) async throws -> [StatusEntry]
    /// The commit `HEAD` points at, and its committer time in seconds since the epoch.
    func head(in repository: URL) async throws -> (commit: String, time: Int)
    /// What `git status` reports for `paths` only.
    func status(of paths: [String], in repository: URL) async throws -> [StatusEntry]
    /// Whether a local branch, or a remote-tracking branch of that short name, exists.
    func branchExists(_ name: String, in repository: URL) async throws -> Bool
    /// Creates branch `name` at `base` and checks it out.
    func createBranch(_ name: String, from base: String, in repository: URL) async throws
    /// Checks out an existing branch (the work tree must be clean).
    func switchBranch(_ name: String, in repository: URL) async throws
    func deleteBranch(_ name: String, in repository: URL) async throws
    /// Every local and remote-tracking branch: full ref names (`refs/heads/x`, `refs/remotes/origin/x`).
    func branches(in repository: URL) async throws -> [String]
    /// The commit id `ref` names, or nil.
    func resolve(_ ref: String, in repository: URL) async throws -> String?
    func mergeBase(_ a: String, _ b: String, in repository: URL) async throws -> String?
    /// Paths changed in the work tree (and index) relative to `base`, with git's status letter, plus untracked files as `A`.
    func changes(since base: String, in repository: URL) async throws -> [(status: Character, path: String)]
    /// Paths changed between two revisions, with git's status letter.
    func changes(from base: String, to head: String, in repository: URL) async throws -> [(
        status: Character, path: String
    )]
    /// Files under `path` at `ref`.
    func files(at ref: String, under path: String, in repository: URL) async throws -> [String]
    /// Writes every tracked file of `ref` into the empty `directory`, as Flux's clone has them: whatever
    /// `.gitattributes` says (no export-ignore, no filters), symlinks as symlinks, submodules left out.
    func export(_ ref: String, to directory: URL, in repository: URL) async throws
    /// A file's bytes at `ref`.
    func contents(of path: String, at ref: String, in repository: URL) async throws -> Data
    /// `(hash, committer time)` of commits on `ref` touching `path`, newest first, at most `limit`.
    func commits(on ref: String, touching path: String?, limit: Int?, in repository: URL) async throws -> [(
        commit: String, time: Int
    )]
    /// Commits only on `a`, and only on `b`.
    func aheadBehind(_ a: String, _ b: String, in repository: URL) async throws -> (onlyA: Int, onlyB: Int)
    func isAncestor(_ a: String, of b: String, in repository: URL) async throws -> Bool
    /// Commits touching `path` on `HEAD`, oldest first: id, author name, committer time.
    func log(of path: String, in repository: URL) async throws -> [(commit: String, author: String, time: Int)]
    /// Takes `paths` out of the index (files stay in the work tree); paths not in the index are fine.
    func unstage(_ paths: [String], in repository: URL) async throws
    /// Restores `paths` from `HEAD` in the index and work tree.
    func restore(_ paths: [String], in repository: URL) async throws
    /// Untracked files under `paths` that git ignores (relative to the work tree).
    func ignoredFiles(under paths: [String], in repository: URL) async throws -> [String]
}
