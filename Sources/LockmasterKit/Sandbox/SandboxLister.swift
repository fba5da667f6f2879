public import Cluster
public import Foundation
public import GitKit
import Manifests
public import Platform

/// One sandbox found on a branch (`-o json` of `sandbox list`).
public struct SandboxInfo: Sendable, Codable, Equatable {
    public var name: String
    /// The branch as git names it locally: `OPS-1-x` or `origin/OPS-1-x`.
    public var branch: String
    public var directory: String
    /// Committer time of the first commit on the branch that touched the directory (RFC 3339).
    public var created: String
    public var lastCommit: String
    public var lastCommitTime: String
    /// Commits on the branch that the branch of record lacks, and the other way round.
    public var ahead: Int
    public var behind: Int
    public var merged: Bool
    /// Its lease; nil for a sandbox made before leases (or with its lease file removed).
    public var lease: SandboxLease?
    /// Why its lease file could not be read (it is then treated as having no lease).
    public var leaseError: String?
    /// Whether the lease has run out, by the clock of the run.
    public var expired: Bool = false
    /// Whether its cluster answered (`--live`); nil when not asked or no context is known for it.
    public var live: Bool?
}

/// Finds sandboxes on every local and remote-tracking branch: a `clusters/sandbox-*` directory whose
/// platform source tracks that very branch.
public struct SandboxLister: Sendable {
    private let git: any GitClient

    public init(git: any GitClient = ProcessGitClient()) {
        self.git = git
    }

    /// Asks each sandbox's cluster whether it answers: its context is `contexts[NAME]` or
    /// `contexts[sandbox-<name>]` (lockmaster.yaml's `contexts`); nil where none is known.
    public func withLiveState(
        _ sandboxes: [SandboxInfo], contexts: [String: String], kubectl: any Kubectl = ProcessKubectl()
    ) async -> [SandboxInfo] {
        await withTaskGroup(of: (Int, Bool?).self) { group in
            for (index, sandbox) in sandboxes.enumerated() {
                guard let context = Sandbox.context(named: sandbox.name, contexts) else { continue }
                group.addTask { (index, (try? await kubectl.namespaces(context: context)) != nil) }
            }
            var result = sandboxes
            for await (index, answers) in group { result[index].live = answers }
            return result
        }
    }

    /// The open sandboxes (on branches not merged), one per name, oldest first.
    public func open(repository root: URL, now: Date = Date()) async throws -> [SandboxInfo] {
        Self.onePerName(try await run(repository: root, now: now)).filter { !$0.merged }
    }

    /// One entry per sandbox, its local branch before a remote-tracking copy, oldest first.
    static func onePerName(_ sandboxes: [SandboxInfo]) -> [SandboxInfo] {
        var seen = Set<String>()
        return sandboxes.sorted { ($0.branch == $0.name ? 0 : 1) < ($1.branch == $1.name ? 0 : 1) }
            .filter { seen.insert($0.name).inserted }
            .sorted { $0.created < $1.created }
    }

    /// - Parameter settings: what to read the branches with (gc: the branch of record's); nil: the work tree's.
    public func run(repository root: URL, now: Date = Date(), settings given: LockmasterSettings? = nil) async throws
        -> [SandboxInfo]
    {
        let settings = try given ?? SettingsLoader.load(repositoryRoot: root)
        let main = settings.branch
        var found: [SandboxInfo] = []
        for ref in try await git.branches(in: root) {
            let short =
                ref.hasPrefix("refs/heads/")
                ? String(ref.dropFirst("refs/heads/".count)) : String(ref.dropFirst("refs/remotes/".count))
            let branch = ref.hasPrefix("refs/heads/") ? short : String(short.drop { $0 != "/" }.dropFirst())
            let paths = try await git.files(
                at: ref, under: settings.clustersDir.isEmpty ? "" : settings.clustersDir + "/", in: root)
            // clusters/sandbox-x/… : the component right below the clusters directory.
            let depth = settings.clustersDepth
            let directories = Set(
                paths.compactMap { path -> String? in
                    let parts = path.split(separator: "/")
                    guard parts.count > depth + 1, Sandbox.isSandbox(environment: String(parts[depth])) else {
                        return nil
                    }
                    return settings.environmentDirectory(String(parts[depth]))
                })
            for directory in directories.sorted() {
                var set = ManifestSet()
                let loader = ManifestLoader(root: root)
                for path in paths
                where path.hasPrefix(directory + "/") && (path.hasSuffix(".yaml") || path.hasSuffix(".yml")) {
                    loader.read(data: try await git.contents(of: path, at: ref, in: root), path: path, into: &set)
                }
                let environment = PlatformEnvironment.read(
                    name: (directory as NSString).lastPathComponent, directory: directory,
                    objects: set.objects, settings: settings)
                guard environment.classification.kind == .tracksBranch, environment.classification.ref == branch else {
                    continue
                }
                let touching = try await git.commits(on: ref, touching: directory, limit: nil, in: root)
                guard let last = try await git.commits(on: ref, touching: nil, limit: 1, in: root).first else {
                    continue
                }
                let counts = try await git.aheadBehind(ref, main, in: root)
                let leasePath = "\(directory)/\(Sandbox.leaseFileName)"
                // One branch's broken lease does not hide the other sandboxes: it is reported on its row.
                var lease: SandboxLease?
                var leaseError: String?
                if paths.contains(leasePath) {
                    let data = try await git.contents(of: leasePath, at: ref, in: root)
                    let text = String(decoding: data.prefix(SandboxLease.sizeLimit), as: UTF8.self)
                    do throws(SandboxLeaseError) {
                        // A branch decides these bytes: a lease is a few lines, read no further than its bound.
                        guard data.count <= SandboxLease.sizeLimit else {
                            throw SandboxLeaseError.tooLarge(
                                path: "\(short):\(leasePath)", limit: SandboxLease.sizeLimit)
                        }
                        lease = try SandboxLease.parse(text, path: "\(short):\(leasePath)")
                    } catch {
                        leaseError = "\(error)"
                    }
                }
                found.append(
                    SandboxInfo(
                        name: branch, branch: short, directory: directory,
                        created: Timestamp.rfc3339(touching.last?.time ?? last.time),
                        lastCommit: last.commit, lastCommitTime: Timestamp.rfc3339(last.time),
                        ahead: counts.onlyA, behind: counts.onlyB,
                        merged: try await git.isAncestor(ref, of: main, in: root),
                        lease: lease, leaseError: leaseError, expired: lease?.isExpired(at: now) ?? false
                    ))
            }
        }
        return found
    }
}
