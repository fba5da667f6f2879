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

    private func commit(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void, _ message: String) async throws {
        try await git.add(["."], in: repository)
        let commit = try await git.commit(message: message, in: repository)
        emit(.command("git add -A && git commit -m '\(message)'"))
        let branch = try await git.currentBranch(in: repository) ?? "HEAD"
        emit(.output("[\(branch) \(commit.prefix(7))] \(message)\n"))
    }

    @discardableResult
    private func check(_ repository: URL, git: any GitClient, target: String?, emit: @Sendable (DemoEvent) -> Void) async throws -> CheckReport {
        emit(.command("lockmaster check --repo \(repository.path)" + (target.map { " --target \($0)" } ?? "")))
        let report = try await MergeGuard(git: git).run(CheckRequest(repository: repository, target: target, environment: [:]))
        emit(.output(CheckFormatter.text(report)))
        return report
    }

    /// A sandbox whose commit a policy hook refuses: the error is the hook's, and nothing is left behind.
    private func refusedCommit(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(.step("A failed write changes nothing: a pre-commit hook refuses the new sandbox's commit"))
        let hook = repository.appendingPathComponent(".git/hooks/pre-commit")
        try Data("#!/bin/sh\necho 'every commit needs a ticket in its message' >&2\nexit 1\n".utf8).write(to: hook)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        defer { try? FileManager.default.removeItem(at: hook) }
        emit(.command("lockmaster sandbox create OPS-124-refused --repo \(repository.path)   # with a refusing .git/hooks/pre-commit"))
        let before = (try await git.branches(in: repository), try await git.currentBranch(in: repository), try await git.status(in: repository))
        do {
            _ = try await SandboxCreator(git: git).run(SandboxCreateRequest(repository: repository, name: "OPS-124-refused"))
            throw DemoError.unexpected("the refusing hook let the commit through")
        } catch let error as DemoError {
            throw error
        } catch {
            emit(.output("error: \(error)\n"))
        }
        let after = (try await git.branches(in: repository), try await git.currentBranch(in: repository), try await git.status(in: repository))
        guard before == after else { throw DemoError.unexpected("the refused sandbox left the repository changed") }
        emit(.command("git status --short && git branch"))
        emit(.output("nothing to commit, working tree clean; branches: " + after.0.map { $0.replacingOccurrences(of: "refs/heads/", with: "") }.joined(separator: ", ") + " (as before)\n"))
    }

    /// A sandbox create stopped hard (kill -9) right after making its branch: the next run names what it
    /// finds, and --resume makes the copy and the commit.
    private func stoppedHard(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
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
        let resumed = try await SandboxCreator(git: git).run(SandboxCreateRequest(repository: repository, name: name, resume: true))
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
        let git = ProcessGitClient(environment: Self.gitEnvironment)

        let artifacts = base.appendingPathComponent("artifacts")

        emit(.step("Scaffold a platform repository: development tracks main, staging a patch range, production a pinned tag"))
        emit(.command("lockmaster init \(repository.path) --git-url \(Self.gitURL) --artifact \(artifacts.path) --artifact-url \(Self.artifact)"))
        let initResult = try await RepositoryInitializer(git: git).run(
            InitRequest(directory: repository, gitURL: Self.gitURL, artifact: artifacts.path, artifactURL: Self.artifact))
        emit(.output(InitTextFormatter.format(initResult)))
        try await commit(repository, git: git, emit: emit, "Scaffold the platform repository")

        emit(.step("lockmaster.yaml is checked against its JSON Schema, the one its first line points editors at"))
        let settingsFile = repository.appendingPathComponent(LockmasterSettings.fileName)
        let settingsText = try String(contentsOf: settingsFile, encoding: .utf8)
        try Data((settingsText + "clusterDir: fleet\n").utf8).write(to: settingsFile)
        emit(.command("echo 'clusterDir: fleet' >> lockmaster.yaml && lockmaster status --repo \(repository.path); git checkout lockmaster.yaml"))
        do {
            _ = try SettingsLoader.load(repositoryRoot: repository)
        } catch {
            emit(.output("\(error)\n"))
        }
        try Data(settingsText.utf8).write(to: settingsFile)

        emit(.step("See every environment, classified by its platform source"))
        emit(.command("lockmaster status --repo \(repository.path)"))
        emit(.output(StatusTextFormatter.format(try await FleetStatus(git: git).run(FleetStatusRequest(repository: repository)))))

        let name = "OPS-123-add-keda"
        let sandbox = "clusters/\(SandboxCreator.directoryName(for: name))"
        emit(.step("Open a sandbox: a branch, and a copy of development (without its gotk-sync.yaml) that tracks it"))
        emit(.command("lockmaster sandbox create \(name) --repo \(repository.path)"))
        let created = try await SandboxCreator(git: git).run(SandboxCreateRequest(repository: repository, name: name))
        emit(.output(SandboxTextFormatter.format(created)))

        emit(.step("Add a platform service (KEDA) on the sandbox branch; the merge guard passes"))
        try Self.writeKeda(version: "2.14.0", into: repository)
        emit(.command("$EDITOR platform/services/keda.yaml   # Namespace, HelmRepository, HelmRelease keda 2.14.0"))
        try await commit(repository, git: git, emit: emit, "Add KEDA 2.14.0")
        try await check(repository, git: git, target: nil, emit: emit)
        emit(.command("lockmaster diff --env development --repo \(repository.path)"))
        let sandboxDiff = try await PlatformDiffer(git: git).run(DiffRequest(repository: repository, sides: .git(base: nil, head: nil), environment: "development"))
        emit(.output(DiffFormatter.text(Self.servicesOnly(sandboxDiff))))

        emit(.step("The merge guard catches a sync file copied from the sandbox into development"))
        let copied = repository.appendingPathComponent("clusters/development/flux-system/gotk-sync.yaml")
        try FileManager.default.createDirectory(at: copied.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(Self.sandboxSync(sandbox).utf8).write(to: copied)
        emit(.command("cp <sandbox cluster's gotk-sync.yaml> clusters/development/flux-system/"))
        let findings = try await check(repository, git: git, target: nil, emit: emit)
        // In CI the same findings go where the pull or merge request shows them.
        let codeQuality = try CheckFormatter.gitlab(findings)
        emit(.command("lockmaster check -o gitlab --repo \(repository.path) > gl-code-quality-report.json   # in a GitLab merge request job"))
        emit(.output("a GitLab Code Quality report: \(findings.findings.count) issues for the merge request's widget (\(codeQuality.utf8.count) bytes)\n"))
        try FileManager.default.removeItem(at: copied.deletingLastPathComponent())
        emit(.command("rm clusters/development/flux-system/gotk-sync.yaml"))

        emit(.step("A branch that reads outside its source is not built, as Flux would not build it: nothing leaks into the diff"))
        let leak = repository.appendingPathComponent("platform/configs/leak")
        try FileManager.default.createDirectory(at: leak, withIntermediateDirectories: true)
        try Data("configMapGenerator:\n- name: leak\n  files: [env=/proc/self/environ]\n".utf8).write(to: leak.appendingPathComponent("kustomization.yaml"))
        emit(.command("printf 'configMapGenerator:\\n- name: leak\\n  files: [env=/proc/self/environ]\\n' > platform/configs/leak/kustomization.yaml"))
        emit(.command("lockmaster render development --repo \(repository.path)"))
        let refused = try await PlatformRenderer().run(RenderRequest(repository: repository, environment: "development"))
        emit(.output(refused.problems.map { "error: \($0.kustomization) (\($0.path)): \($0.message)\n" }.joined()))
        try FileManager.default.removeItem(at: leak)
        emit(.command("rm -r platform/configs/leak"))

        emit(.step("The teardown plan for the sandbox: KEDA's HelmRelease goes before the platform services it depends on"))
        emit(.command("lockmaster sandbox delete \(name) --repo \(repository.path)"))
        let (teardown, _) = try await SandboxTeardown().plan(TeardownRequest(repository: repository, name: name))
        emit(.output(TeardownFormatter.format(teardown)))

        emit(.step("Before the pull request: the sandbox is torn down and its directory leaves the branch; then merge"))
        emit(.command("git rm -r -q \(sandbox) && git commit -m 'Remove sandbox \(name)'"))
        try FileManager.default.removeItem(at: repository.appendingPathComponent(sandbox))
        try await git.add(["."], in: repository)
        _ = try await git.commit(message: "Remove sandbox \(name)", in: repository)
        try await check(repository, git: git, target: "main", emit: emit)
        emit(.command("git switch main && git merge --no-ff \(name)"))
        try await git.switchBranch("main", in: repository)
        _ = try await ProcessGitClient.merge(name, in: repository, environment: Self.gitEnvironment)

        emit(.step("Publish the platform as a versioned OCI artifact (here to a local OCI layout); staging resolves it"))
        try await publishAndResolve(repository, git: git, emit: emit)

        emit(.step("Upgrade KEDA: staging picks up the next patch release by itself"))
        try Self.writeKeda(version: "2.14.1", into: repository)
        emit(.command("sed -i 's/version: 2.14.0/version: 2.14.1/' platform/services/keda.yaml"))
        try await commit(repository, git: git, emit: emit, "Upgrade KEDA to 2.14.1")
        try await publishAndResolve(repository, git: git, emit: emit)

        emit(.step("What the new version changes, compared artifact to artifact"))
        emit(.command("lockmaster diff --versions 0.1.0 0.1.1 --repo \(repository.path)"))
        emit(.output(DiffFormatter.text(try await PlatformDiffer(git: git).run(DiffRequest(repository: repository, sides: .versions("0.1.0", "0.1.1"))))))

        emit(.step("Publishing the same commit again changes nothing"))
        emit(.command("lockmaster publish --repo \(repository.path)"))
        emit(.output(PublishTextFormatter.format(try await PlatformPublisher(git: git).run(PublishRequest(repository: repository)))))

        emit(.step("Promote production to exactly what staging runs, on a review branch; then merge it"))
        emit(.command("lockmaster promote production 0.1.1 --repo \(repository.path)"))
        let promoted = try await Promoter(git: git).promote(PromoteRequest(repository: repository, environment: "production", version: "0.1.1"))
        emit(.output(PromoteTextFormatter.format(promoted)))
        emit(.command("git switch main && git merge --no-ff \(promoted.branch)"))
        try await git.switchBranch("main", in: repository)
        _ = try await ProcessGitClient.merge(promoted.branch, in: repository, environment: Self.gitEnvironment)

        emit(.step("What runs where, and what ran where and when"))
        emit(.command("lockmaster status --repo \(repository.path)"))
        let status = try await FleetStatus(git: git).run(FleetStatusRequest(repository: repository))
        emit(.output(StatusTextFormatter.format(status).components(separatedBy: "\n\n").first.map { $0 + "\n" } ?? ""))
        let page = base.appendingPathComponent("status.html")
        let lane = StatusHTMLFormatter.format(status, history: try await EnvironmentHistory(git: git).run(repository: repository),
                                              generated: ISO8601DateFormatter().string(from: Date()))
        try Data(lane.utf8).write(to: page)
        emit(.command("lockmaster status -o html --repo \(repository.path) > \(page.path)"))
        emit(.output("a self-contained page: the lane development → staging → production and the pin history (\(lane.utf8.count) bytes)\n"))
        emit(.command("lockmaster history production --repo \(repository.path)"))
        emit(.output(PromoteTextFormatter.format(try await EnvironmentHistory(git: git).run(repository: repository, environment: "production"))))

        emit(.step("Something is wrong in production: roll back to the previous pin"))
        emit(.command("lockmaster rollback production --repo \(repository.path)"))
        let rolledBack = try await Promoter(git: git).rollback(repository: repository, environment: "production", to: nil)
        emit(.output(PromoteTextFormatter.format(rolledBack, rollback: true)))

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
