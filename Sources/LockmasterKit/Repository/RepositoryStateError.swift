import Foundation
public import GitKit
import Platform

/// The repository is not in the state a command needs: one error for every command, so that a script
/// (or a test) catches a dirty tree or a mistyped environment the same way whichever command met it.
public enum RepositoryStateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Uncommitted changes where the command would commit, or describe what is committed.
    case dirty([StatusEntry], Purpose)
    case unknownEnvironment(String, known: [String])
    /// The sandbox's directory is not in this work tree: its branch is not checked out.
    case sandboxNotInWorkTree(name: String, directory: String)
    /// No environment on either side of a check or diff: nothing Flux applies would be judged.
    case noEnvironments(clustersDir: String)

    /// What the clean tree is for, which decides the advice.
    public enum Purpose: Sendable, Equatable {
        /// A command that commits (sandbox create, extend, gc, app promote).
        case commit
        /// `promote`, whose clean-tree gate it is.
        case promote
        /// `publish`, whose revision annotation must describe what it packs.
        case publish
    }

    public var description: String {
        switch self {
        case .dirty(let entries, let purpose):
            let paths =
                entries.prefix(3).map { $0.description.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
                + (entries.count > 3 ? ", …" : "")
            switch purpose {
            case .commit: return "the work tree has uncommitted changes (\(paths)); commit or stash them first"
            case .promote:
                return "gate clean-tree: the work tree has uncommitted changes (\(paths)); commit or stash them first"
            case .publish:
                return "the platform files have uncommitted changes (\(paths)); "
                    + "commit them so the revision annotation describes what is published, or pass --allow-dirty"
            }
        case .unknownEnvironment(let name, let known):
            return "no environment '\(name)'; environments: \(known.joined(separator: ", "))"
        case .noEnvironments(let clustersDir):
            return
                "no environment in \(clustersDir.isEmpty ? "the repository root" : clustersDir + "/") (clustersDir in lockmaster.yaml), here or at the base: "
                + "nothing Flux applies would be judged; set clustersDir (lockmaster init --adopt writes it for an existing estate)"
        case .sandboxNotInWorkTree(let name, let directory):
            return
                "no sandbox \(name) here: \(directory) is not in this work tree; run the command on its branch (git switch \(name)), "
                + "or see lockmaster sandbox list"
        }
    }
}

extension RepositoryStateError {
    /// `name` is not one of the repository's environments; the error lists those that are.
    static func unknownEnvironment(_ name: String, in repository: PlatformRepository) -> Self {
        .unknownEnvironment(name, known: repository.environments.map(\.name))
    }
}
