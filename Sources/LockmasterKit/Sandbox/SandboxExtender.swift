public import Foundation
public import GitKit
import Platform
import Support

/// What `lockmaster sandbox extend NAME` is asked to do.
public struct SandboxExtendRequest: Sendable {
    public var repository: URL
    public var name: String
    /// How long from now the lease runs (default: `sandbox.ttl`).
    public var ttl: TimeSpan?
    public var now: Date

    public init(repository: URL, name: String, ttl: TimeSpan? = nil, now: Date = Date()) {
        self.repository = repository
        self.name = name
        self.ttl = ttl
        self.now = now
    }
}

/// What `sandbox extend` did (`-o json`).
public struct SandboxExtendReport: Sendable, Codable, Equatable {
    public var name: String
    public var branch: String
    public var commit: String
    public var lease: SandboxLease
}

/// Moves a sandbox's lease expiry to now plus a TTL, in a commit on the sandbox branch; from another
/// branch it switches there for the commit and back.
public struct SandboxExtender: Sendable {
    private let git: any GitClient

    public init(git: any GitClient = ProcessGitClient()) { self.git = git }

    public func run(_ request: SandboxExtendRequest) async throws -> SandboxExtendReport {
        let root = request.repository
        let settings = try SettingsLoader.load(repositoryRoot: root)
        let ttl = try SandboxLease.ttl(request.ttl, settings: settings)
        guard try await git.branchExists(request.name, in: root) else {
            let known = Set(try await SandboxLister(git: git).run(repository: root, now: request.now).map(\.name))
                .sorted()
            throw SandboxError.unknownSandbox(request.name, known: known)
        }
        let original = try await git.currentBranch(in: root)
        if original != request.name {
            try await WorkTreeChange(git: git, root: root).requireClean { RepositoryStateError.dirty($0, .commit) }
            try await git.switchBranch(request.name, in: root)
        }
        do {
            let report = try await extend(request, ttl: ttl, settings: settings)
            if let original, original != request.name { try await git.switchBranch(original, in: root) }
            return report
        } catch {
            if let original, original != request.name { try? await git.switchBranch(original, in: root) }
            throw error
        }
    }

    private func extend(_ request: SandboxExtendRequest, ttl: TimeSpan, settings: LockmasterSettings) async throws
        -> SandboxExtendReport
    {
        let root = request.repository
        let sandbox = Sandbox(name: request.name, settings: settings)
        try sandbox.requireDirectory(in: root)
        let path = sandbox.leasePath
        var lease: SandboxLease
        if let text = RepositoryFile.text(path, in: root) {
            lease = try SandboxLease.parse(text, path: path)
        } else {
            // A sandbox made before leases gets one now.
            lease = SandboxLease(
                owner: try await SandboxLease.defaultOwner(git: git, root: root), created: request.now,
                expires: request.now, ticket: SandboxLease.ticket(in: request.name))
        }
        lease.expires = request.now.addingTimeInterval(ttl.seconds)
        let text = lease.text
        let message = "Extend sandbox \(request.name)'s lease to \(LeaseTime.format(lease.expires))"
        let done = try await WorkTreeChange(git: git, root: root).commit(
            on: .current, paths: [path], message: { _ in message }
        ) {
            try AtomicFile.write(Data(text.utf8), to: root.appendingPathComponent(path))
        }
        return SandboxExtendReport(name: request.name, branch: request.name, commit: done.commit, lease: lease)
    }
}
