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

    public init(repository: URL, now: Date = Date(), execute: Bool = false, contexts: [String: String] = [:],
                timeout: Duration = .seconds(600), poll: Duration = .seconds(2)) {
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

    public var now: String
    public var candidates: [Candidate]
}

public enum SandboxGCError: Error, Sendable, Equatable, CustomStringConvertible {
    case noContext([String])
    case noPlan(name: String, reason: String)

    public var description: String {
        switch self {
        case let .noContext(names):
            return "no kube context for \(names.joined(separator: ", ")): pass --context NAME=CTX for each, or set contexts in lockmaster.yaml; nothing was torn down"
        case let .noPlan(name, reason):
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
    public func run(_ request: SandboxGCRequest, progress: @escaping @Sendable (String) -> Void = { _ in },
                    interrupted: @escaping @Sendable () -> Bool = { false }) async throws -> SandboxGCReport {
        let root = request.repository
        let settings = try SettingsLoader.load(repositoryRoot: root)
        let sandboxes = SandboxLister.onePerName(try await SandboxLister(git: git).run(repository: root, now: request.now))
        var report = SandboxGCReport(now: LeaseTime.format(request.now), candidates: sandboxes.compactMap { sandbox in
            var reasons: [String] = []
            if sandbox.expired, let lease = sandbox.lease { reasons.append("lease expired \(LeaseTime.format(lease.expires)) (\(LeaseTime.span(request.now.timeIntervalSince(lease.expires))) ago)") }
            if sandbox.merged { reasons.append("merged into \(settings.branch)") }
            return reasons.isEmpty ? nil : .init(name: sandbox.name, branch: sandbox.branch, reasons: reasons, lease: sandbox.lease, tornDown: false)
        })
        guard !report.candidates.isEmpty else { return report }
        if request.execute {
            let missing = report.candidates.filter { context(for: $0.name, request: request, settings: settings) == nil }.map(\.name)
            guard missing.isEmpty else { throw SandboxGCError.noContext(missing) }
        }

        // Plans are made on each sandbox's branch, so the work tree must be clean, and is left where it was.
        try await WorkTreeChange(git: git, root: root).requireClean { SandboxError.dirty($0) }
        let original = try await git.currentBranch(in: root) ?? settings.branch
        do {
            for index in report.candidates.indices {
                let candidate = report.candidates[index]
                guard candidate.branch == candidate.name else {
                    report.candidates[index].planError = "only on \(candidate.branch): git switch \(candidate.name) to plan its teardown here"
                    if request.execute { throw SandboxGCError.noPlan(name: candidate.name, reason: report.candidates[index].planError!) }
                    continue
                }
                try await git.switchBranch(candidate.name, in: root)
                let context = context(for: candidate.name, request: request, settings: settings)
                let view = request.execute ? context.map { context in
                    { @Sendable (objects: [TeardownObject]) in try await TeardownExecutor(context: context).clusterView(known: objects) }
                } : nil
                do {
                    report.candidates[index].plan = try await SandboxTeardown(access: access).plan(TeardownRequest(repository: root, name: candidate.name), cluster: view).plan
                } catch {
                    report.candidates[index].planError = "\(error)"
                    if request.execute { throw SandboxGCError.noPlan(name: candidate.name, reason: "\(error)") }
                    continue
                }
                guard request.execute, let context, let plan = report.candidates[index].plan else { continue }
                progress("sandbox \(candidate.name): \(candidate.reasons.joined(separator: "; "))")
                try await TeardownExecutor(context: context, timeout: request.timeout, poll: request.poll)
                    .run(plan, repository: root, name: candidate.name, keepBranch: false, progress: progress, interrupted: interrupted)
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

    private func context(for name: String, request: SandboxGCRequest, settings: LockmasterSettings) -> String? {
        request.contexts[name] ?? settings.contexts[SandboxCreator.directoryName(for: name)] ?? settings.contexts[name]
    }
}
