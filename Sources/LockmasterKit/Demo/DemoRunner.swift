public import Foundation
import GitKit
import Platform
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
    /// The demo's own commits must not depend on the user's git configuration.
    static let gitEnvironment = [
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Lockmaster Demo", "GIT_AUTHOR_EMAIL": "demo@lockmaster.invalid",
        "GIT_COMMITTER_NAME": "Lockmaster Demo", "GIT_COMMITTER_EMAIL": "demo@lockmaster.invalid",
    ]
    static let artifact = "oci://registry.example.com/acme/platform"
    /// The demo builds only content it wrote: where the kernel cannot build the wall, it builds without
    /// it (and says so) rather than stop; a user's own commands refuse instead.
    static let unconfined: Bool = { if case .failure = KernelWall.probe() { true } else { false } }()

    func commit(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void, _ message: String)
        async throws
    {
        try await git.add(["."], in: repository)
        let commit = try await git.commit(message: message, in: repository)
        emit(.command("git add -A && git commit -m '\(message)'"))
        let branch = try await git.currentBranch(in: repository) ?? "HEAD"
        emit(.output("[\(branch) \(commit.prefix(7))] \(message)\n"))
    }

    @discardableResult
    func check(_ repository: URL, git: any GitClient, target: String?, emit: @Sendable (DemoEvent) -> Void) async throws
        -> CheckReport
    {
        emit(.command("lockmaster check --repo \(repository.path)" + (target.map { " --target \($0)" } ?? "")))
        let report = try await MergeGuard(git: git).run(
            CheckRequest(repository: repository, target: target, environment: [:], unconfined: Self.unconfined))
        emit(.output(CheckFormatter.text(report)))
        return report
    }

    /// A sandbox whose commit a policy hook refuses: the error is the hook's, and nothing is left behind.
    func refusedCommit(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(.step("A failed write changes nothing: a pre-commit hook refuses the new sandbox's commit"))
        let hook = repository.appendingPathComponent(".git/hooks/pre-commit")
        try Data("#!/bin/sh\necho 'every commit needs a ticket in its message' >&2\nexit 1\n".utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        defer { try? FileManager.default.removeItem(at: hook) }
        emit(
            .command(
                "lockmaster sandbox create OPS-124-refused --repo \(repository.path)   # with a refusing .git/hooks/pre-commit"
            ))
        let before = (
            try await git.branches(in: repository), try await git.currentBranch(in: repository),
            try await git.status(in: repository)
        )
        do {
            _ = try await SandboxCreator(git: git).run(
                SandboxCreateRequest(repository: repository, name: "OPS-124-refused"))
            throw DemoError.unexpected("the refusing hook let the commit through")
        } catch let error as DemoError {
            throw error
        } catch {
            emit(.output("error: \(error)\n"))
        }
        let after = (
            try await git.branches(in: repository), try await git.currentBranch(in: repository),
            try await git.status(in: repository)
        )
        guard before == after else { throw DemoError.unexpected("the refused sandbox left the repository changed") }
        emit(.command("git status --short && git branch"))
        emit(
            .output(
                "nothing to commit, working tree clean; branches: "
                    + after.0.map { $0.replacingOccurrences(of: "refs/heads/", with: "") }.joined(separator: ", ")
                    + " (as before)\n"))
    }

    /// A sandbox create stopped hard (kill -9) right after making its branch: the next run names what it
    /// finds, and --resume makes the copy and the commit.
    func stoppedHard(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(.step("A sandbox create killed before its commit is named by the next run, and --resume finishes it"))
        let name = "OPS-125-stopped"
        let original = try await git.currentBranch(in: repository) ?? "main"
        try await git.createBranch(name, from: "main", in: repository)
        emit(.command("git switch -c \(name) main   # what a kill -9 right after the branch leaves"))
        emit(.command("lockmaster sandbox create \(name) --repo \(repository.path)"))
        do {
            _ = try await SandboxCreator(git: git).run(SandboxCreateRequest(repository: repository, name: name))
            throw DemoError.unexpected("the interrupted sandbox was not recognised")
        } catch let error as SandboxError {
            emit(.output("error: \(error)\n"))
        }
        emit(.command("lockmaster sandbox create \(name) --resume --repo \(repository.path)"))
        let resumed = try await SandboxCreator(git: git).run(
            SandboxCreateRequest(repository: repository, name: name, resume: true))
        guard let commit = resumed.commit else { throw DemoError.unexpected("--resume reported no commit") }
        emit(.output("resumed: sandbox commit \(commit.prefix(12)) on branch \(name)\n"))
        try await git.switchBranch(original, in: repository)
        try await git.deleteBranch(name, in: repository)
        emit(.command("git switch \(original) && git branch -D \(name)"))
    }

    /// The services of a diff, without the per-object detail (the sandbox copy makes that long).
    static func servicesOnly(_ report: DiffReport) -> DiffReport {
        var copy = report
        copy.environments = report.environments.map { environment in
            var trimmed = environment
            trimmed.kustomizations = []
            return trimmed
        }
        return copy
    }

    /// What `flux bootstrap` writes for a sandbox: the sync objects pointing at its branch and path.
    static func sandboxSync(_ path: String) -> String {
        BootstrapFiles.syncText(url: gitURL, branch: "OPS-123-add-keda", path: path)
    }

    /// `lockmaster publish --sign-key`, shown with what it prints.
    func publishSigned(_ repository: URL, key: Signer, git: any GitClient, emit: @Sendable (DemoEvent) -> Void)
        async throws
    {
        emit(.command("lockmaster publish --sign-key \(key.path) --repo \(repository.path)"))
        let report = try await PlatformPublisher(git: git).run(
            PublishRequest(repository: repository, signingKey: key.key))
        emit(.output(PublishTextFormatter.format(report)))
    }

    func publishAndResolve(_ repository: URL, key: Signer, git: any GitClient, emit: @Sendable (DemoEvent) -> Void)
        async throws
    {
        try await publishSigned(repository, key: key, git: git, emit: emit)
        emit(.command("lockmaster resolve staging --repo \(repository.path)"))
        emit(
            .output(
                ResolveTextFormatter.format(
                    try await EnvironmentResolver().run(ResolveRequest(repository: repository, environment: "staging")))
            ))
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
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lockmaster-demo-\(UUID().uuidString.prefix(8))")
        let repository = base.appendingPathComponent("platform")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: base) } }
        let git = ProcessGitClient(environment: Self.gitEnvironment)

        let artifacts = base.appendingPathComponent("artifacts")
        try await scaffold(repository, artifacts: artifacts, git: git, emit: emit)
        try await sandboxToMain(repository, git: git, emit: emit)
        let key = try await signing(repository, base: base, git: git, emit: emit)
        try await release(repository, key: key, git: git, emit: emit)
        try await review(repository, git: git, emit: emit)
        try await values(repository, git: git, emit: emit)
        try await hiddenFiles(repository, git: git, emit: emit)
        try await production(repository, base: base, git: git, emit: emit)
        try await deletedTag(repository, artifacts: artifacts, emit: emit)
        try await refusedCommit(repository, git: git, emit: emit)
        try await stoppedHard(repository, git: git, emit: emit)
        try await adoption(base: base, git: git, emit: emit)

        if keep { emit(.step("The demo repository is kept at \(repository.path)")) }
        return repository
    }
}

/// The demo's own story went wrong: a bug, never a user's mistake.
struct DemoError: Error, CustomStringConvertible {
    var description: String
    static func unexpected(_ message: String) -> DemoError { DemoError(description: "demo: \(message)") }
}
