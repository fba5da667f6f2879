public import Foundation
public import GitKit

/// Why the platform repository could not be found.
public enum RepositoryLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    case notADirectory(String)
    case notInWorkTree(String)

    public var description: String {
        switch self {
        case .notADirectory(let path): "--repo \(path) is not a directory; pass the platform repository's directory"
        case .notInWorkTree(let path):
            "\(path) is not inside a git work tree; run from the platform repository or pass --repo DIR"
        }
    }
}

/// Finds the platform repository: the git work tree around `--repo DIR` (or DIR itself outside git), otherwise
/// the work tree around the current directory.
public struct RepositoryLocator: Sendable {
    private let git: any GitClient

    public init(git: any GitClient = ProcessGitClient()) {
        self.git = git
    }

    public func locate(
        explicit: String?, currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) async throws -> URL {
        if let explicit {
            let url = URL(fileURLWithPath: explicit, relativeTo: currentDirectory).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw RepositoryLocationError.notADirectory(explicit)
            }
            // A directory inside a work tree means that work tree, as git reads it: settings, the base and
            // every path are the repository's, never a subdirectory's.
            return try await git.workTreeRoot(containing: url) ?? url
        }
        guard let root = try await git.workTreeRoot(containing: currentDirectory) else {
            throw RepositoryLocationError.notInWorkTree(currentDirectory.path)
        }
        return root
    }
}
