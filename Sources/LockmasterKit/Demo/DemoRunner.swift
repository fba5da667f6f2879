public import Foundation
import GitKit
import Support

/// One thing the demo shows: a command as a user would type it, or what it printed.
public enum DemoEvent: Sendable, Equatable {
    /// A section heading: which step of the story this is.
    case step(String)
    /// The command a user would type.
    case command(String)
    /// What that command printed.
    case output(String)
}

/// Runs the whole story in a new temporary directory, offline, with no services.
/// Each later capability adds its step here.
public struct DemoRunner: Sendable {
    public var keep: Bool

    public init(keep: Bool = false) {
        self.keep = keep
    }

    static let gitURL = "https://git.example.com/acme/platform.git"
    static let artifact = "oci://registry.example.com/acme/platform"

    /// - Parameter emit: called for every event, in order.
    /// - Returns: the demo directory (already removed unless `keep`).
    @discardableResult
    public func run(emit: @Sendable (DemoEvent) -> Void) async throws -> URL {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("lockmaster-demo-\(UUID().uuidString.prefix(8))")
        let repository = base.appendingPathComponent("platform")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: base) } }
        // The demo's own commits must not depend on the user's git configuration.
        let git = ProcessGitClient(environment: [
            "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Lockmaster Demo", "GIT_AUTHOR_EMAIL": "demo@lockmaster.invalid",
            "GIT_COMMITTER_NAME": "Lockmaster Demo", "GIT_COMMITTER_EMAIL": "demo@lockmaster.invalid",
        ])

        emit(.step("Scaffold a platform repository: development tracks main, staging a patch range, production a pinned tag"))
        emit(.command("lockmaster init \(repository.path) --git-url \(Self.gitURL) --artifact \(Self.artifact)"))
        let initResult = try await RepositoryInitializer(git: git).run(
            InitRequest(directory: repository, gitURL: Self.gitURL, artifact: Self.artifact))
        emit(.output(InitTextFormatter.format(initResult)))

        emit(.command("git add -A && git commit -m 'Scaffold the platform repository'"))
        try await git.add(["."], in: repository)
        let commit = try await git.commit(message: "Scaffold the platform repository", in: repository)
        emit(.output("[main \(commit.prefix(7))] Scaffold the platform repository\n"))

        emit(.step("See every environment, classified by its platform source"))
        emit(.command("lockmaster status --repo \(repository.path)"))
        emit(.output(StatusTextFormatter.format(try StatusReporter.report(repositoryRoot: repository))))

        if keep { emit(.step("The demo repository is kept at \(repository.path)")) }
        return repository
    }
}
