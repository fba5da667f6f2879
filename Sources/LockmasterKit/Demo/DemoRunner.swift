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

    private func commit(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void, _ message: String) async throws {
        try await git.add(["."], in: repository)
        let commit = try await git.commit(message: message, in: repository)
        emit(.command("git add -A && git commit -m '\(message)'"))
        emit(.output("[main \(commit.prefix(7))] \(message)\n"))
    }

    private func publishAndResolve(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(.command("lockmaster publish --repo \(repository.path)"))
        emit(.output(PublishTextFormatter.format(try await PlatformPublisher(git: git).run(PublishRequest(repository: repository)))))
        emit(.command("lockmaster resolve staging --repo \(repository.path)"))
        emit(.output(ResolveTextFormatter.format(try await EnvironmentResolver().run(ResolveRequest(repository: repository, environment: "staging")))))
    }

    static func writeKeda(version: String, into repository: URL) throws {
        let text = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: keda
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: HelmRepository
            metadata:
              name: kedacore
              namespace: keda
            spec:
              interval: 1h
              url: https://kedacore.github.io/charts
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: keda
              namespace: keda
            spec:
              interval: 30m
              chart:
                spec:
                  chart: keda
                  version: \(version)
                  sourceRef:
                    kind: HelmRepository
                    name: kedacore

            """
        try Data(text.utf8).write(to: repository.appendingPathComponent("platform/services/keda.yaml"))
    }

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

        let artifacts = base.appendingPathComponent("artifacts")

        emit(.step("Scaffold a platform repository: development tracks main, staging a patch range, production a pinned tag"))
        emit(.command("lockmaster init \(repository.path) --git-url \(Self.gitURL) --artifact \(artifacts.path) --artifact-url \(Self.artifact)"))
        let initResult = try await RepositoryInitializer(git: git).run(
            InitRequest(directory: repository, gitURL: Self.gitURL, artifact: artifacts.path, artifactURL: Self.artifact))
        emit(.output(InitTextFormatter.format(initResult)))
        try await commit(repository, git: git, emit: emit, "Scaffold the platform repository")

        emit(.step("See every environment, classified by its platform source"))
        emit(.command("lockmaster status --repo \(repository.path)"))
        emit(.output(StatusTextFormatter.format(try StatusReporter.report(repositoryRoot: repository))))

        emit(.step("Add a platform service (KEDA) and publish the platform as a versioned OCI artifact (here to a local OCI layout)"))
        try Self.writeKeda(version: "2.14.0", into: repository)
        emit(.command("$EDITOR platform/services/keda.yaml   # Namespace, HelmRepository, HelmRelease keda 2.14.0"))
        try await commit(repository, git: git, emit: emit, "Add KEDA 2.14.0")
        try await publishAndResolve(repository, git: git, emit: emit)

        emit(.step("Upgrade KEDA: staging picks up the next patch release by itself"))
        try Self.writeKeda(version: "2.14.1", into: repository)
        emit(.command("sed -i 's/version: 2.14.0/version: 2.14.1/' platform/services/keda.yaml"))
        try await commit(repository, git: git, emit: emit, "Upgrade KEDA to 2.14.1")
        try await publishAndResolve(repository, git: git, emit: emit)

        emit(.step("Publishing the same commit again changes nothing"))
        emit(.command("lockmaster publish --repo \(repository.path)"))
        emit(.output(PublishTextFormatter.format(try await PlatformPublisher(git: git).run(PublishRequest(repository: repository)))))

        if keep { emit(.step("The demo repository is kept at \(repository.path)")) }
        return repository
    }
}
