public import Foundation
public import GitKit
import Support

/// One all-or-nothing change to a repository, the way every command that writes makes it: on a clean
/// tree, on a new branch or the current one, write, stage, commit — and on any failure (a refusing
/// hook, a read-only file, a full disk) put everything back: tracked paths to HEAD, new paths removed,
/// the new branch deleted and the original one checked out again. Ctrl-C waits until it is done or
/// undone (`Interruption.deferring`); what a kill -9 leaves is named by the caller's next run.
public struct WorkTreeChange: Sendable {
    let git: any GitClient
    let root: URL

    public init(git: any GitClient = ProcessGitClient(), root: URL) {
        self.git = git
        self.root = root
    }

    /// Where the commit goes.
    public enum Branch: Sendable, Equatable {
        case current
        /// A new branch from `base`, checked out for the change.
        case new(String, from: String)
    }

    /// What a finished change left: the value its edit returned, the commit (nil when only staged) and
    /// the branch it is on.
    public struct Result<Value: Sendable>: Sendable {
        public var value: Value
        public var commit: String?
        public var branch: String
    }

    /// What `git status` reports, or nothing on a clean tree.
    public func uncommitted() async throws -> [StatusEntry] {
        try await git.status(in: root)
    }

    /// Refuses, with the error `dirty` makes of the uncommitted paths, unless the tree is clean.
    public func requireClean(_ dirty: ([StatusEntry]) -> any Error) async throws {
        let entries = try await uncommitted()
        guard entries.isEmpty else { throw dirty(entries) }
    }

    /// Makes the change.
    /// - Parameters:
    ///   - paths: what `edit` writes, relative to the root (files or directories); they are staged, and on
    ///     a failure restored (when HEAD has them) or removed.
    ///   - message: the commit message for the edit's value; nil stages without committing.
    ///   - edit: writes the files.
    public func run<Value: Sendable>(
        on branch: Branch, paths: [String], message: @escaping @Sendable (Value) -> String?,
        _ edit: @Sendable () async throws -> Value
    ) async throws -> Result<Value> {
        try await Interruption.deferring {
            var original = try await git.currentBranch(in: root)
            if original == nil { original = try await git.head(in: root).commit }  // a detached HEAD
            let start = original ?? "HEAD"
            var name = start
            if case .new(let branchName, let base) = branch {
                try await git.createBranch(branchName, from: base, in: root)
                name = branchName
            }
            do {
                // What the branch's HEAD already has goes back to it on a failure; the rest is new.
                var tracked: [String] = []
                for path in paths where !(try await git.files(at: "HEAD", under: path, in: root)).isEmpty {
                    tracked.append(path)
                }
                do {
                    let value = try await edit()
                    try await git.add(paths, in: root)
                    var commit: String?
                    if let text = message(value) { commit = try await git.commit(message: text, in: root) }
                    return Result(value: value, commit: commit, branch: name)
                } catch {
                    await undo(paths: paths, tracked: tracked)
                    throw error
                }
            } catch {
                await undo(branch: branch, original: start)
                throw error
            }
        }
    }

    /// Makes the change and commits it with `message`.
    public func commit<Value: Sendable>(
        on branch: Branch, paths: [String], message: @escaping @Sendable (Value) -> String,
        _ edit: @Sendable () async throws -> Value
    ) async throws -> (value: Value, commit: String, branch: String) {
        let result = try await run(on: branch, paths: paths, message: { Optional(message($0)) }, edit)
        guard let commit = result.commit else { throw WorkTreeChangeError.notCommitted }
        return (result.value, commit, result.branch)
    }

    /// Puts the paths back: tracked ones to HEAD (index and file), new ones out of the index and away.
    private func undo(paths: [String], tracked: [String]) async {
        let new = paths.filter { !tracked.contains($0) }
        if !new.isEmpty {
            try? await git.unstage(new, in: root)
            for path in new { try? FileManager.default.removeItem(at: root.appendingPathComponent(path)) }
        }
        if !tracked.isEmpty { try? await git.restore(tracked, in: root) }
    }

    /// Checks the original branch out again and deletes the one the change made.
    private func undo(branch: Branch, original: String) async {
        guard case .new(let name, _) = branch else { return }
        try? await git.switchBranch(original, in: root)
        try? await git.deleteBranch(name, in: root)
    }
}

/// A change that was to be committed and was not: a bug, never the user's doing.
public enum WorkTreeChangeError: Error, CustomStringConvertible {
    case notCommitted

    public var description: String { "the change was staged but not committed" }
}
