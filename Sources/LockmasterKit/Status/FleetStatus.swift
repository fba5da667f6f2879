import Artifacts
public import Cluster
public import Foundation
public import GitKit
import Manifests
import Platform

/// What `status` is asked to add to the offline view.
public struct FleetStatusRequest: Sendable {
    public var repository: URL
    /// Resolve what each environment runs (git and the artifact repository).
    public var resolve: Bool
    /// Ask each environment's cluster (contexts from lockmaster.yaml).
    public var live: Bool
    /// Contexts given on the command line, by environment; they imply `live` for those environments.
    public var contexts: [String: String]

    public init(repository: URL, resolve: Bool = true, live: Bool = false, contexts: [String: String] = [:]) {
        self.repository = repository
        self.resolve = resolve
        self.live = live
        self.contexts = contexts
    }
}

/// `status` with provenance: what each environment runs, how far behind it is, and what its cluster
/// says. Environments are resolved concurrently; a failure stays in its own row.
public struct FleetStatus: Sendable {
    private let git: any GitClient
    private let access: RegistryAccess
    private let kubectl: any Kubectl

    public init(
        git: any GitClient = ProcessGitClient(), access: RegistryAccess = RegistryAccess(),
        kubectl: any Kubectl = ProcessKubectl()
    ) {
        self.git = git
        self.access = access
        self.kubectl = kubectl
    }

    public func run(_ request: FleetStatusRequest) async throws -> StatusReport {
        let root = request.repository
        let (repository, branch) = try await PlatformRepository.load(root: root).resolvingBranch(git: git)
        var report = StatusReporter.report(for: repository)
        report.branch = branch.name
        report.branchSource = branch.source
        guard request.resolve || request.live || !request.contexts.isEmpty else { return report }
        let contexts = (request.live ? repository.settings.contexts : [:]).merging(request.contexts) { _, new in new }

        let rows = await withTaskGroup(of: (Int, StatusReport.Runs?, StatusReport.Live?).self) { group in
            for (index, environment) in repository.environments.enumerated() {
                group.addTask {
                    let runs =
                        request.resolve || contexts[environment.name] != nil
                        ? await runs(of: environment, repository: repository) : nil
                    let live = await contexts[environment.name].asyncMap {
                        await self.live(environment, context: $0, expected: runs?.revision)
                    }
                    return (index, runs, live)
                }
            }
            var rows: [(Int, StatusReport.Runs?, StatusReport.Live?)] = []
            for await row in group { rows.append(row) }
            return rows
        }
        for (index, runs, live) in rows {
            var runs = runs
            // What the cluster's source fetched is what the environment ran last.
            if runs?.downgrade == nil, let tag = runs?.tag, let live,
                let source = live.objects.first(where: { $0.kind == "OCIRepository" })
            {
                runs?.downgrade = DowngradeGuard.live(source.revision, resolved: tag, context: live.context)
            }
            report.environments[index].runs = runs
            report.environments[index].live = live
        }
        if request.resolve { await addBehind(&report, repository: repository) }
        return report
    }

    private func runs(of environment: PlatformEnvironment, repository: PlatformRepository) async -> StatusReport.Runs {
        var runs = StatusReport.Runs()
        let operatorGit =
            environment.source == nil && environment.instance?.sync?.kind == "GitRepository"
            && environment.classification.kind != .unknown
        switch environment.source {
        case .git?,
            // The GitRepository a Flux Operator sync makes is this repository, followed the same way.
            nil where operatorGit:
            guard let branch = environment.classification.refField == .branch ? environment.classification.ref : nil
            else {
                runs.error = "pinned to a git \(environment.classification.refField?.rawValue ?? "ref"); not resolved"
                return runs
            }
            runs.branch = branch
            let commit = try? await git.resolve(branch, in: repository.root)
            let remote = try? await git.resolve("origin/\(branch)", in: repository.root)
            guard let found = commit ?? remote else {
                runs.error = "branch \(branch) is not in this clone (fetch it)"
                return runs
            }
            runs.commit = found
            runs.revision = "\(branch)@sha1:\(found)"
        case .oci?:
            do {
                let resolved = try await EnvironmentResolver(access: access, git: git).run(
                    ResolveRequest(
                        repository: repository.root, environment: environment.name,
                        checkDowngrade: true))
                runs.tag = resolved.tag
                runs.digest = resolved.digest
                runs.revision = resolved.revision
                runs.sourceRevision = resolved.sourceRevision
                runs.signature = resolved.signature
                runs.downgrade = resolved.downgrade
            } catch {
                runs.error = "\(error)"
            }
        case nil:
            runs.error = environment.classification.reason ?? "no platform source"
        }
        return runs
    }

    private func live(_ environment: PlatformEnvironment, context: String, expected: String?) async -> StatusReport.Live
    {
        do {
            let objects = try await kubectl.fluxObjects(context: context)
            // The cluster lists Flux kinds only, whose kind fixes the group.
            let wanted = Set(
                environment.platformKustomizations.map(\.object.reference)
                    + [environment.source?.object.reference].compactMap { $0 })
            let relevant = objects.filter {
                wanted.contains(ObjectReference(kind: $0.kind, name: $0.name, namespace: $0.namespace))
            }
            let rows = relevant.map { StatusReport.LiveObject($0, expected: expected) }.sorted {
                ($0.kind, $0.namespace, $0.name) < ($1.kind, $1.namespace, $1.name)
            }
            let kustomizations = rows.filter { $0.kind == "Kustomization" }
            let matches =
                expected == nil || kustomizations.isEmpty
                ? nil
                : kustomizations.allSatisfy { $0.ready == true && $0.matches == true && !$0.suspended }
            return StatusReport.Live(context: context, error: nil, objects: rows, matches: matches)
        } catch {
            return StatusReport.Live(context: context, error: "\(error)", objects: [], matches: nil)
        }
    }

    /// Commits behind (a branch ahead of an artifact's source revision), or versions behind (two tags).
    private func addBehind(_ report: inout StatusReport, repository: PlatformRepository) async {
        let order = repository.settings.environments
        for (index, name) in order.enumerated() where index > 0 {
            guard let current = report.environments.firstIndex(where: { $0.name == name }),
                let previous = report.environments.first(where: { $0.name == order[index - 1] }),
                let mine = report.environments[current].runs, let theirs = previous.runs
            else { continue }
            if let commit = theirs.commit, let source = mine.sourceRevision,
                let sha = source.split(separator: ":").last.map(String.init)
            {
                if let counts = try? await git.aheadBehind(commit, sha, in: repository.root) {
                    report.environments[current].behind =
                        counts.onlyA == 0
                        ? "up to date with \(previous.name)"
                        : "\(counts.onlyA) commit\(counts.onlyA == 1 ? "" : "s") behind \(previous.name)"
                }
            } else if let mineTag = mine.tag.flatMap(SemanticVersion.flux),
                let theirTag = theirs.tag.flatMap(SemanticVersion.flux)
            {
                if mineTag.compare(to: theirTag) >= 0 {
                    report.environments[current].behind = "up to date with \(previous.name)"
                } else if let target = repository.settings.artifact ?? repository.environment(named: name)?.source?.url,
                    let store = try? await access.store(
                        for: target, relativeTo: repository.root, artifact: repository.settings.artifact),
                    let tags = try? await store.listTags()
                {
                    let between = tags.compactMap(SemanticVersion.flux).filter {
                        !$0.isPrerelease && $0.compare(to: mineTag) > 0 && $0.compare(to: theirTag) <= 0
                    }
                    report.environments[current].behind =
                        "\(between.count) version\(between.count == 1 ? "" : "s") behind \(previous.name) (\(theirTag.original))"
                }
            }
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}
