public import Cluster
public import Foundation
public import GitKit
import Manifests
public import Platform
public import Support

/// Why a teardown stopped. What was done stays done; re-running continues where it stopped.
public enum TeardownError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreachable(context: String, reason: String)
    case stuck(object: String, waited: String, finalizers: [String], step: Int)
    case notBootstrapped(remaining: [String])
    case destroyFailed(command: String, status: Int32)
    case interrupted(afterStep: Int)
    case stepFailed(step: Int, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let context, let reason):
            return "cannot reach the cluster of context \(context): \(reason); nothing was changed"
        case .stuck(let object, let waited, let finalizers, let step):
            return "step \(step): \(object) is still there after \(waited)"
                + (finalizers.isEmpty ? "" : ", held by finalizers \(finalizers.joined(separator: ", "))")
                + "; the controller that runs them must be up (see FLUX.md §7). Fix that and run the same command again to continue"
        case .notBootstrapped(let remaining):
            return "the cluster is not back to its bootstrapped state: \(remaining.joined(separator: ", ")) remain"
        case .destroyFailed(let command, let status):
            return
                "sandbox.destroy hook '\(command)' exited with status \(status); the cluster objects are gone, fix the hook and run again"
        case .interrupted(let step):
            return "interrupted: stopped after step \(step); run the same command again to continue"
        case .stepFailed(let step, let reason):
            return "step \(step) failed: \(reason)"
        }
    }
}

/// Carries a teardown plan out through kubectl, reporting each step as it happens. Deletes wait for
/// the object to be gone; objects already gone are skipped, so a second run continues a first.
public struct TeardownExecutor: Sendable {
    public var kubectl: any Kubectl
    public var context: String
    public var timeout: Duration
    /// How often a deleted object is looked at; a blocker report is printed every 10 seconds.
    public var poll: Duration
    public var reportEvery: Duration
    private let git: any GitClient
    private let runner: any ProcessRunner
    /// The settings hooks and the branch of record come from (`BranchOfRecordSettings`); nil: read here, the same way.
    public var settings: LockmasterSettings?

    public init(
        kubectl: any Kubectl = ProcessKubectl(), context: String, timeout: Duration = .seconds(600),
        poll: Duration = .seconds(2),
        reportEvery: Duration = .seconds(10), git: any GitClient = ProcessGitClient(),
        runner: any ProcessRunner = SystemProcessRunner()
    ) {
        self.kubectl = kubectl
        self.context = context
        self.timeout = timeout
        self.poll = poll
        self.reportEvery = reportEvery
        self.git = git
        self.runner = runner
    }

    /// The objects to plan with, as the cluster knows them: those from git with the CRD groups their
    /// Kustomization inventories provide and the custom resource groups they own added, and the
    /// Kustomizations and HelmReleases the cluster has that git does not declare (cluster-only).
    public func clusterView(known: [TeardownObject]) async throws -> [TeardownObject] {
        let cluster: [ClusterObject]
        do {
            cluster = try await kubectl.fluxObjects(context: context)
                .filter {
                    ["Kustomization", "HelmRelease"].contains($0.kind)
                        && !($0.namespace == "flux-system" && $0.name == "flux-system")
                }
        } catch let error as ClusterError {
            throw TeardownError.unreachable(context: context, reason: "\(error)")
        }
        let live = Dictionary(
            cluster.map { (ObjectReference(kind: $0.kind, name: $0.name, namespace: $0.namespace), $0) }
        ) { first, _ in first }
        var objects = known.map { object in
            guard let found = live[object.id] else { return object }
            var merged = object
            let groups = TeardownInventory.groups(inventory: found.inventory)
            merged.providesCRDGroups = Array(Set(object.providesCRDGroups + groups.provides)).sorted()
            merged.ownsCustomResourceGroups = Array(Set(object.ownsCustomResourceGroups + groups.owns)).sorted()
            return merged
        }
        let ids = Set(known.map(\.id))
        for object in cluster
        where !ids.contains(ObjectReference(kind: object.kind, name: object.name, namespace: object.namespace)) {
            let groups = TeardownInventory.groups(inventory: object.inventory)
            objects.append(
                TeardownObject(
                    kind: object.kind, namespace: object.namespace, name: object.name,
                    dependsOn: object.dependsOn.compactMap { ObjectReference("\(object.kind)/\($0)") },
                    suspended: object.suspended,
                    providesCRDGroups: groups.provides, ownsCustomResourceGroups: groups.owns, clusterOnly: true))
        }
        return objects
    }

    /// - Parameters:
    ///   - progress: told a line per event, as it happens.
    ///   - interrupted: asked between steps; true stops after the current one.
    public func run(
        _ plan: TeardownPlan, sandbox: Sandbox, repository: URL, keepBranch: Bool,
        progress: @escaping @Sendable (String) -> Void, interrupted: @Sendable () -> Bool
    ) async throws {
        // Nothing is changed on a cluster that cannot be reached.
        do { _ = try await kubectl.namespaces(context: context) } catch {
            throw TeardownError.unreachable(context: context, reason: "\(error)")
        }
        for step in plan.steps {
            if interrupted() { throw TeardownError.interrupted(afterStep: step.number - 1) }
            progress("step \(step.number): \(step.action.rawValue) \(step.object?.description ?? "")")
            do {
                try await perform(
                    step, repository: repository, sandbox: sandbox, keepBranch: keepBranch, progress: progress)
            } catch let error as TeardownError {
                throw error
            } catch {
                throw TeardownError.stepFailed(step: step.number, reason: "\(error)")
            }
        }
    }

    /// Deletes one object and waits until it is gone, saying what holds it; a suspended object is
    /// resumed first, since deleting it would orphan what it applied.
    private func delete(_ target: ObjectReference, step: Int, progress: @escaping @Sendable (String) -> Void)
        async throws
    {
        guard
            let live = try await kubectl.get(
                context: context, kind: target.kind, namespace: target.namespace, name: target.name)
        else {
            progress("  \(target) is already gone")
            return
        }
        if live.suspended, !live.deleting, target.kind == "Kustomization" || target.kind == "HelmRelease" {
            try await kubectl.patch(
                context: context, kind: target.kind, namespace: target.namespace, name: target.name,
                mergePatch: #"{"spec":{"suspend":false}}"#)
            progress("  resumed \(target) first: it was suspended, and deleting it would orphan its objects")
        }
        try await kubectl.delete(context: context, kind: target.kind, namespace: target.namespace, name: target.name)
        let clock = ContinuousClock()
        let start = clock.now
        var lastReport = start
        while let object = try await kubectl.get(
            context: context, kind: target.kind, namespace: target.namespace, name: target.name)
        {
            let waited = clock.now - start
            if waited >= timeout {
                throw TeardownError.stuck(
                    object: target.description, waited: "\(waited)", finalizers: object.finalizers, step: step)
            }
            if clock.now - lastReport >= reportEvery {
                progress(
                    "  waiting for \(target) (\(waited)): finalizers \(object.finalizers.isEmpty ? "none" : object.finalizers.joined(separator: ", "))"
                        + (object.message.map { "; \($0)" } ?? ""))
                lastReport = clock.now
            }
            try await Task.sleep(for: poll)
        }
        progress("  deleted \(target) (\(clock.now - start))")
    }

    private func perform(
        _ step: TeardownStep, repository: URL, sandbox: Sandbox, keepBranch: Bool,
        progress: @escaping @Sendable (String) -> Void
    ) async throws {
        switch step.action {
        case .suspend, .resume:
            guard let target = step.object else { return }
            guard
                try await kubectl.get(
                    context: context, kind: target.kind, namespace: target.namespace, name: target.name) != nil
            else {
                progress("  \(target) is not there; nothing to \(step.action.rawValue)")
                return
            }
            try await kubectl.patch(
                context: context, kind: target.kind, namespace: target.namespace, name: target.name,
                mergePatch: step.action == .suspend ? #"{"spec":{"suspend":true}}"# : #"{"spec":{"suspend":false}}"#)
            progress("  \(step.action == .suspend ? "suspended" : "resumed") \(target)")
        case .delete:
            guard let target = step.object else { return }
            try await delete(target, step: step.number, progress: progress)
        case .verify:
            let remaining = try await kubectl.fluxObjects(context: context).filter { object in
                (object.kind == "Kustomization" && !(object.namespace == "flux-system" && object.name == "flux-system"))
                    || object.kind == "HelmRelease"
            }.map { "\($0.kind)/\($0.namespace)/\($0.name)" }
            let terminating = try await kubectl.namespaces(context: context).filter { $0.value == "Terminating" }.map {
                "Namespace/\($0.key) (terminating)"
            }
            guard remaining.isEmpty, terminating.isEmpty else {
                throw TeardownError.notBootstrapped(remaining: (remaining + terminating).sorted())
            }
            progress("  only flux-system is left")
        case .destroy:
            let settings = try await trustedSettings(repository)
            guard !settings.sandbox.hooks.destroy.isEmpty else { return }
            // The code a hook runs comes from the branch of record, as its command does: the hooks run in
            // a copy of that branch's tree, never in the sandbox branch's checkout (its Makefile, its scripts).
            guard let tip = try await BranchOfRecordSettings.tip(of: settings.branch, root: repository, git: git) else {
                throw BranchOfRecordSettings.Missing.noBranch(settings.branch)
            }
            let tree = try ScratchDirectory(prefix: "lockmaster-hooks")
            defer { tree.remove() }
            try await git.export(tip, to: tree.url, in: repository)
            let hooks = SandboxHooks(runner: runner, git: git)
            let environment = await hooks.environment(for: sandbox, repository: repository)
            for hook in settings.sandbox.hooks.destroy {
                let output = try await hooks.run(
                    hook, in: tree.url, environment: environment,
                    streaming: { progress(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .newlines)) })
                guard output.status == 0 else {
                    throw TeardownError.destroyFailed(command: hook, status: output.status)
                }
            }
        case .removeDirectory:
            try await removeDirectory(
                repository: repository, sandbox: sandbox, keepBranch: keepBranch, progress: progress)
        }
    }

    /// The settings hooks and the branch of record come from: the caller's (the branch of record's, read
    /// once), else the branch of record's own; never the sandbox branch's lockmaster.yaml.
    private func trustedSettings(_ repository: URL) async throws -> LockmasterSettings {
        if let settings { return settings }
        return try await BranchOfRecordSettings.read(root: repository, git: git).settings
    }

    private func removeDirectory(
        repository: URL, sandbox: Sandbox, keepBranch: Bool, progress: @Sendable (String) -> Void
    ) async throws {
        try await Interruption.deferring {
            try await removeDirectoryNow(
                repository: repository, sandbox: sandbox, keepBranch: keepBranch, progress: progress)
        }
    }

    private func removeDirectoryNow(
        repository: URL, sandbox: Sandbox, keepBranch: Bool, progress: @Sendable (String) -> Void
    ) async throws {
        let settings = try await trustedSettings(repository)
        let (name, directory) = (sandbox.branch, sandbox.directory)
        if try await git.currentBranch(in: repository) != name { try await git.switchBranch(name, in: repository) }
        if FileManager.default.fileExists(atPath: repository.appendingPathComponent(directory).path) {
            // On a failure the directory comes back, in the index and on disk, as it was.
            _ = try await WorkTreeChange(git: git, root: repository).commit(
                on: .current, paths: [directory],
                message: { _ in "Remove sandbox \(name)\n\nIts cluster was torn down by lockmaster sandbox delete." }
            ) {
                try FileManager.default.removeItem(at: repository.appendingPathComponent(directory))
            }
            progress("  removed \(directory) in a commit on \(name)")
        }
        guard !keepBranch else { return }
        if try await git.isAncestor(name, of: settings.branch, in: repository) {
            try await git.switchBranch(settings.branch, in: repository)
            try await git.deleteBranch(name, in: repository)
            progress("  deleted the branch \(name)")
        } else {
            progress("  kept the branch \(name): it is not merged into \(settings.branch)")
        }
    }
}
