public import Artifacts
public import Foundation
public import GitKit
import Platform

/// What `lockmaster package` is asked to do.
public struct PackageRequest: Sendable {
    public var repository: URL
    /// Where to write the `.tgz`; nil computes the digest and size without writing.
    public var output: URL?
    public var followSymlinks: Bool

    public init(repository: URL, output: URL? = nil, followSymlinks: Bool = false) {
        self.repository = repository
        self.output = output
        self.followSymlinks = followSymlinks
    }
}

/// What `lockmaster package` reports (`-o json`).
public struct PackageReport: Sendable, Codable, Equatable {
    /// The `.tgz` written, if any.
    public var path: String?
    public var digest: String
    public var size: UInt64
    public var files: Int
    public var directories: Int
    public var platformPaths: [String]
}

/// Packages the platform artifact of a repository with its settings: platform paths, `ignore`
/// patterns, and without files git ignores (they are not part of any commit).
public struct PlatformPackager: Sendable {
    private let git: any GitClient

    public init(git: any GitClient = ProcessGitClient()) {
        self.git = git
    }

    public func packager(for repository: URL, followSymlinks: Bool) async throws -> ArtifactPackager {
        let settings = try SettingsLoader.load(repositoryRoot: repository)
        let ignored = try await git.ignoredFiles(under: settings.platformPaths, in: repository)
        return ArtifactPackager(
            root: repository, platformPaths: settings.platformPaths, ignorePatterns: settings.ignore,
            excludedFiles: Set(ignored), followSymlinks: followSymlinks)
    }

    public func run(_ request: PackageRequest) async throws -> PackageReport {
        let packager = try await packager(for: request.repository, followSymlinks: request.followSymlinks)
        let result = try request.output.map { try packager.package(to: $0) } ?? packager.package(into: DiscardingSink())
        return PackageReport(
            path: request.output?.path, digest: result.digest, size: result.size,
            files: result.files, directories: result.directories, platformPaths: packager.platformPaths)
    }
}
