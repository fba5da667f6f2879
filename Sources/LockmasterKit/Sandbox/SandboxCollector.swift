public import Foundation
public import GitKit
import Platform
import Support

/// What `lockmaster sandbox gc` is asked to do.
public struct SandboxGCRequest: Sendable {
    public var repository: URL
    public var now: Date
    /// Tear the candidates down, one at a time, stopping at the first failure.
    public var execute: Bool
    /// The kube context of each sandbox's cluster (`--context NAME=CTX`), before `contexts` in lockmaster.yaml.
    public var contexts: [String: String]
    public var timeout: Duration
    public var poll: Duration

    public init(
        repository: URL, now: Date = Date(), execute: Bool = false, contexts: [String: String] = [:],
        timeout: Duration = .seconds(600), poll: Duration = .seconds(2)
    ) {
        self.repository = repository
        self.now = now
        self.execute = execute
        self.contexts = contexts
        self.timeout = timeout
        self.poll = poll
    }
}

/// What `sandbox gc` found and did (`-o json`).
public struct SandboxGCReport: Sendable, Codable, Equatable {
    public struct Candidate: Sendable, Codable, Equatable {
        public var name: String
        public var branch: String
        /// Why it is collected: its lease expired, its branch is merged.
        public var reasons: [String]
        public var lease: SandboxLease?
        /// The teardown plan, as `sandbox delete` prints it; nil when it could not be made here.
        public var plan: TeardownPlan?
        /// Why there is no plan (only a remote-tracking branch, a render that failed).
        public var planError: String?
        /// True once its teardown ran to the end (`--execute`).
        public var tornDown: Bool
    }

    /// A branch with a sandbox directory that gc will not treat as a sandbox, and why.
    public struct Skipped: Sendable, Codable, Equatable {
        public var name: String
        public var branch: String
        public var reason: String
    }

    public var now: String
    public var candidates: [Candidate]
    /// Branches that are not sandboxes gc may collect (a name the pattern does not allow, no lease that
    /// sandbox create wrote, a directory elsewhere).
    public var skipped: [Skipped] = []
}

public enum SandboxGCError: Error, Sendable, Equatable, CustomStringConvertible {
    case noContext([String])
    case noPlan(name: String, reason: String)
    /// Branches that carry a sandbox directory but are named like something gc must never touch.
    case collision([String])

    public var description: String {
        switch self {
        case .noContext(let names):
            return
                "no kube context for \(names.joined(separator: ", ")): pass --context NAME=CTX for each, or set sandbox.contextTemplate in the branch of record's "
                + "lockmaster.yaml (gc never uses an environment's context); nothing was torn down"
        case .collision(let found):
            return
                "refused: \(found.joined(separator: "; ")). A sandbox is never named like the branch of record, an environment, a branch an environment "
                + "tracks or a name in sandbox.protected; nothing was run and nothing was deleted. Rename or delete those branches by hand"
        case .noPlan(let name, let reason):
            return "no teardown plan for \(name) (\(reason)); nothing was torn down"
        }
    }
}

/// Finds the sandboxes to collect — lease expired, or branch merged into the branch of record — plans
/// each one's teardown on its branch, and with `execute` tears them down one at a time.
public struct SandboxCollector: Sendable {
    private let git: any GitClient
    private let access: RegistryAccess

    public init(git: any GitClient = ProcessGitClient(), access: RegistryAccess = RegistryAccess()) {
        self.git = git
        self.access = access
    }

    /// - Parameter progress: told a line per teardown event.
    public func run(
        _ request: SandboxGCRequest, progress: @escaping @Sendable (String) -> Void = { _ in },
        interrupted: @escaping @Sendable () -> Bool = { false }
    ) async throws -> SandboxGCReport {
        let root = request.repository
        // What a sandbox is, which names are protected, hooks and contexts: the branch of record decides,
        // never the branches being collected (nor a work tree that one of them may have checked out).
        let (settings, tip) = try await BranchOfRecordSettings.read(root: root, git: git)
        let sandboxes = SandboxLister.onePerName(
            try await SandboxLister(git: git).run(repository: root, now: request.now, settings: settings))
        let protected = try await protectedNames(settings: settings, tip: tip, root: root)
        var report = SandboxGCReport(now: LeaseTime.format(request.now), candidates: [])
        var collisions: [String] = []
        let pattern = try? NSRegularExpression(pattern: settings.sandbox.namePattern)
        // Branches whose names differ only in case (under a case-insensitive sandbox.namePattern) share one
        // sandbox directory and cluster: gc tears none of them down.
        let sharing = Dictionary(grouping: sandboxes.map(\.name)) { Sandbox.environment(for: $0) }.filter {
            Set($0.value).count > 1
        }
        for sandbox in sandboxes {
            var reasons: [String] = []
            if sandbox.expired, let lease = sandbox.lease {
                reasons.append(
                    "lease expired \(LeaseTime.format(lease.expires)) (\(TimeSpan.describe(request.now.timeIntervalSince(lease.expires))) ago)"
                )
            }
            if sandbox.merged { reasons.append("merged into \(settings.branch)") }
            if let reason = protected[sandbox.name.lowercased()] {
                if !reasons.isEmpty {
                    collisions.append("branch \(Inert.line(sandbox.branch)) is named like \(reason)")
                }
                continue
            }
            let skip = { (why: String) in
                report.skipped.append(.init(name: sandbox.name, branch: sandbox.branch, reason: why))
            }
            if let names = sharing[Sandbox.environment(for: sandbox.name)] {
                if !reasons.isEmpty {
                    skip(
                        "its cluster is also the sandbox of \(names.filter { $0 != sandbox.name }.joined(separator: ", ")) (names that differ only in case); delete each with sandbox delete"
                    )
                }
                continue
            }
            guard let pattern,
                pattern.firstMatch(in: sandbox.name, range: NSRange(sandbox.name.startIndex..., in: sandbox.name))
                    != nil
            else {
                if !reasons.isEmpty {
                    skip("its name does not match sandbox.namePattern \(settings.sandbox.namePattern)")
                }
                continue
            }
            let expected = Sandbox(name: sandbox.name, settings: settings).directory
            guard sandbox.directory == expected else {
                if !reasons.isEmpty { skip("its directory is \(sandbox.directory), not \(expected)") }
                continue
            }
            guard sandbox.lease != nil else {
                if !reasons.isEmpty {
                    skip(
                        sandbox.leaseError.map { "its lease cannot be read: \($0)" }
                            ?? "it has no lease (sandbox create writes one); delete it with sandbox delete")
                }
                continue
            }
            if !reasons.isEmpty {
                report.candidates.append(
                    .init(
                        name: sandbox.name, branch: sandbox.branch, reasons: reasons, lease: sandbox.lease,
                        tornDown: false))
            }
        }
        guard collisions.isEmpty else { throw SandboxGCError.collision(collisions) }
        guard !report.candidates.isEmpty else { return report }
        if request.execute {
            let missing = report.candidates.filter {
                context(for: $0.name, request: request, settings: settings) == nil
            }.map(\.name)
            guard missing.isEmpty else { throw SandboxGCError.noContext(missing) }
        }

        // Plans are made on each sandbox's branch, so the work tree must be clean, and is left where it was.
        try await WorkTreeChange(git: git, root: root).requireClean { RepositoryStateError.dirty($0, .commit) }
        let original = try await git.currentBranch(in: root) ?? settings.branch
        do {
            for index in report.candidates.indices {
                let candidate = report.candidates[index]
                guard candidate.branch == candidate.name else {
                    report.candidates[index].planError =
                        "only on \(candidate.branch): git switch \(candidate.name) to plan its teardown here"
                    if request.execute {
                        throw SandboxGCError.noPlan(name: candidate.name, reason: report.candidates[index].planError!)
                    }
                    continue
                }
                try await git.switchBranch(candidate.name, in: root)
                let context = context(for: candidate.name, request: request, settings: settings)
                let view =
                    request.execute
                    ? context.map { context in
                        { @Sendable (objects: [TeardownObject]) in
                            try await TeardownExecutor(context: context).clusterView(known: objects)
                        }
                    } : nil
                do {
                    report.candidates[index].plan = try await SandboxTeardown(access: access).plan(
                        TeardownRequest(repository: root, name: candidate.name, settings: settings), cluster: view
                    ).plan
                } catch {
                    report.candidates[index].planError = "\(error)"
                    if request.execute { throw SandboxGCError.noPlan(name: candidate.name, reason: "\(error)") }
                    continue
                }
                guard request.execute, let context, let plan = report.candidates[index].plan else { continue }
                progress("sandbox \(candidate.name): \(candidate.reasons.joined(separator: "; "))")
                var executor = TeardownExecutor(context: context, timeout: request.timeout, poll: request.poll)
                executor.settings = settings
                try await executor.run(
                    plan, sandbox: Sandbox(name: candidate.name, settings: settings), repository: root,
                    keepBranch: false, progress: progress, interrupted: interrupted)
                report.candidates[index].tornDown = true
            }
        } catch {
            try? await restore(original, settings: settings, root: root)
            throw error
        }
        try await restore(original, settings: settings, root: root)
        return report
    }

    /// Back to the branch the run started on, or the branch of record when teardown deleted it.
    private func restore(_ original: String, settings: LockmasterSettings, root: URL) async throws {
        let target = try await git.branchExists(original, in: root) ? original : settings.branch
        if try await git.currentBranch(in: root) != target { try await git.switchBranch(target, in: root) }
    }

    /// `--context`, else `sandbox.contextTemplate`; never `contexts`, which name environments' clusters.
    private func context(for name: String, request: SandboxGCRequest, settings: LockmasterSettings) -> String? {
        Sandbox(name: name, settings: settings).context(request.contexts, template: settings.sandbox.contextTemplate)
    }

    /// Names gc never collects, lowercased, each with what it collides with: main, master, the branch of
    /// record, sandbox.protected, every environment (named in settings or a directory of the branch of
    /// record) and every branch one of them tracks.
    private func protectedNames(settings: LockmasterSettings, tip: String, root: URL) async throws -> [String: String] {
        var names: [String: String] = ["main": "a protected name (main)", "master": "a protected name (master)"]
        names[settings.branch.lowercased()] = "the branch of record (\(settings.branch))"
        for name in settings.sandbox.protected { names[name.lowercased()] = "a name in sandbox.protected (\(name))" }
        let scratch = try ScratchDirectory(prefix: "lockmaster-gc")
        defer { scratch.remove() }
        try await git.export(tip, to: scratch.url, in: root)
        let repository = PlatformRepository.load(root: scratch.url, settings: settings)
        for environment in repository.environments where !Sandbox.isSandbox(environment: environment.name) {
            names[environment.name.lowercased()] = "the environment \(environment.name)"
            if environment.classification.kind == .tracksBranch, let branch = environment.classification.ref {
                names[branch.lowercased()] = "the branch \(branch), which \(environment.name) tracks"
            }
        }
        for environment in settings.environments { names[environment.lowercased()] = "the environment \(environment)" }
        return names
    }
}
