public import Foundation
public import GitKit
import Manifests
public import Platform
import Support

/// The branch of record, and where it came from: `branch` in lockmaster.yaml, else the remote's default
/// branch (`origin/HEAD`), else `main`, else `master` — so a repository whose default is `master` gets
/// its base without configuration.
public struct BaseBranch: Sendable, Equatable {
    public var name: String
    /// `lockmaster.yaml`, `origin/HEAD`, `main exists`, `master exists`, or `default` (none of them).
    public var source: String

    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }

    public var description: String {
        source == "lockmaster.yaml" ? "\(name) (branch in lockmaster.yaml)" : "\(name) (\(source))"
    }

    public static func resolve(root: URL, settings: LockmasterSettings, git: any GitClient) async -> BaseBranch {
        await resolve(
            root: root, settings: settings, text: RepositoryFile.text(LockmasterSettings.fileName, in: root), git: git)
    }

    /// - Parameter text: the settings file `settings` was read from (the base's, for check and diff).
    static func resolve(root: URL, settings: LockmasterSettings, text: String?, git: any GitClient) async -> BaseBranch
    {
        if let text, (try? YAMLDocumentReader.documents(in: text).first?["branch"]) != nil {
            return BaseBranch(name: settings.branch, source: "lockmaster.yaml")
        }
        if let remote = try? await git.remoteDefaultBranch(in: root) {
            return BaseBranch(name: remote, source: "the remote's default branch, origin/HEAD")
        }
        for candidate in ["main", "master"] {
            for ref in [candidate, "origin/\(candidate)"] where (try? await git.resolve(ref, in: root)) != nil {
                return BaseBranch(name: candidate, source: "\(candidate) exists")
            }
        }
        return BaseBranch(name: settings.branch, source: "default")
    }
}

extension PlatformRepository {
    /// This repository with `settings.branch` set to the resolved branch of record.
    public func resolvingBranch(git: any GitClient) async -> (PlatformRepository, BaseBranch) {
        let branch = await BaseBranch.resolve(root: root, settings: settings, git: git)
        var copy = self
        copy.settings.branch = branch.name
        return (copy, branch)
    }
}
