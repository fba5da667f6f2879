import Artifacts
import Cluster
public import Foundation
public import GitKit
import Manifests
import Platform
public import Support

/// What `lockmaster check` is asked to do.
public struct CheckRequest: Sendable {
    public var repository: URL
    /// The revision to compare with; default: the merge base of `HEAD` and the branch of record.
    public var base: String?
    /// Kubernetes minor version (`1.29`) for built-in API deprecations; nil checks Flux APIs only.
    public var kubeVersion: KubernetesRelease?
    /// The branch the change merges into. Default: the CI's target branch (`GITHUB_BASE_REF`,
    /// `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`); otherwise the branch of record, except on a sandbox's own
    /// branch, where its directory belongs until the pull request.
    public var target: String?
    public var environment: [String: String]
    /// Build without the kernel wall (`RenderRequest.unconfined`).
    public var unconfined: Bool

    public init(
        repository: URL, base: String? = nil, kubeVersion: KubernetesRelease? = nil, target: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, unconfined: Bool = false
    ) {
        self.repository = repository
        self.base = base
        self.kubeVersion = kubeVersion
        self.target = target
        self.environment = environment
        self.unconfined = unconfined
    }
}

/// Why `check` could not run at all.
public enum CheckError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownBase(String)
    /// Neither the branch of record nor its remote-tracking branch is here (a single-branch clone).
    case noBase(branch: String)
    case noCommonHistory(String)

    public var description: String {
        switch self {
        case .noBase(let branch):
            return
                "no base to compare the change with: neither \(branch) nor origin/\(branch) exists in this clone, so the change rules cannot run; "
                + "fetch it (git fetch origin \(branch)) or name the base with --base REV"
        case .noCommonHistory(let ref):
            return
                "HEAD has no common history with \(ref), so the change rules cannot run; name the base with --base REV"
        case .unknownBase(let base): return "--base \(base) is not a revision of this repository"
        }
    }
}

/// The merge guard: policy rules over the work tree, compared with a base revision.
public struct MergeGuard: Sendable {
    private let git: any GitClient
    private let runner: any ProcessRunner
    private let kubectl: String
    private let cacheDirectory: RenderCacheDirectory?

    /// - Parameter cacheDirectory: where renders keep builds between runs (nil: this run only).
    public init(
        git: any GitClient = ProcessGitClient(), runner: any ProcessRunner = SystemProcessRunner(),
        kubectl: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl",
        cacheDirectory: RenderCacheDirectory? = nil
    ) {
        self.git = git
        self.runner = runner
        self.kubectl = kubectl
        self.cacheDirectory = cacheDirectory
    }

    public func run(_ request: CheckRequest) async throws -> CheckReport {
        let root = request.repository
        // The change's own lockmaster.yaml only suggests the branch to compare with; the base decides the rest.
        // The change's own lockmaster.yaml never picks what it is compared with.
        let suggested = await BranchOfRecordSettings.trustedBranch(root: root, git: git)
        let ciTarget =
            request.environment["GITHUB_BASE_REF"].flatMap { $0.isEmpty ? nil : $0 }
            ?? request.environment["CI_MERGE_REQUEST_TARGET_BRANCH_NAME"].flatMap { $0.isEmpty ? nil : $0 }
        var (base, baseRef) = try await base(request.base, branch: ciTarget ?? suggested, root: root)
        var trusted = try await BaseSettings.read(at: base, root: root, git: git)
        var branch = await BaseBranch.resolve(root: root, settings: trusted.settings, text: trusted.text, git: git)
        if request.base == nil, ciTarget == nil, branch.name != suggested {
            // The base names another branch of record than the change does: compare with that one.
            (base, baseRef) = try await self.base(nil, branch: branch.name, root: root)
            trusted = try await BaseSettings.read(at: base, root: root, git: git)
            branch = await BaseBranch.resolve(root: root, settings: trusted.settings, text: trusted.text, git: git)
        }
        var settings = trusted.settings
        settings.branch = branch.name
        let repository = PlatformRepository.load(root: root, settings: settings)
        var notes: [String] = []
        let (set, symlinks) = read(repository, notes: &notes)

        // Rules about the change itself: they always have a base, or check stops before any verdict.
        let target = request.target ?? ciTarget
        let current = try await git.currentBranch(in: root)
        var change = ChangeContext(
            changes: try await git.changes(since: base, in: root), repository: repository, target: target,
            current: current, base: base)
        change.removedEnvironments = await removedEnvironments(change, root: root)
        // A check that finds no environment judges nothing Flux applies: it must not pass.
        if repository.environments.isEmpty, change.removedEnvironments.isEmpty {
            throw RepositoryStateError.noEnvironments(clustersDir: settings.clustersDir)
        }
        var keys: [String: String] = [:]
        let named = Set(
            trusted.settings.signing.trustedKeys
                + ((try? SettingsLoader.load(repositoryRoot: root))?.signing.trustedKeys ?? []))
        for path in named where base != WellKnownRevision.emptyTree {
            if let data = try? await git.contents(of: path, at: base, in: root), data.count <= BaseSettings.sizeLimit {
                keys[path] = String(decoding: data, as: UTF8.self)
            }
        }
        let source =
            [request.environment["GITHUB_HEAD_REF"], request.environment["CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? current
        // What rendering notes (kubectl missing, an environment not rendered) follows what the rules note.
        var renderNotes: [String] = []
        let scopes = try await scopes(
            repository, all: set.objects, unconfined: request.unconfined, base: base, notes: &renderNotes)
        let input = CheckInput(
            repository: repository, change: change, base: trusted, baseKeys: keys, sourceBranch: source,
            now: try LeaseTime.now(explicit: nil, environment: request.environment), objects: set.objects,
            symlinks: symlinks,
            diagnostics: set.diagnostics, scopes: Self.declarations(scopes, root: root),
            kubeMinor: request.kubeVersion?.minor,
            baseFlux: await baseFlux(at: base, settings: settings, root: root))
        var findings: [CheckFinding] = []
        for rule in CheckRules.all { findings += rule.check(input, notes: &notes) }
        notes += renderNotes
        // The base's settings decide which rules report, and how loudly.
        let tuning = RuleTuning(settings: trusted.settings.check)
        let tuned = tuning.apply(findings)
        findings = tuned.findings
        notes += tuned.notes
        let settingsChanges = findings.filter { $0.rule == SettingsChangedRule.id }
        findings.removeAll { $0.rule == SettingsChangedRule.id }

        // One finding per place and message, in file order.
        var seen = Set<CheckFinding>()
        let unique = findings.filter { seen.insert($0).inserted }.sorted {
            $0.location != $1.location ? $0.location < $1.location : $0.rule.rawValue < $1.rule.rawValue
        }
        var (kept, silenced) = Suppressions(root: root).split(unique)
        // A settings change is silenced by the base's settings only, never by a comment the change adds.
        if SettingsChangedRule.isSilenced(by: trusted) {
            silenced += settingsChanges
        } else {
            kept = settingsChanges + kept
        }
        var report = CheckReport(base: base, findings: kept, silenced: silenced)
        report.rules = tuning.states
        report.baseRef = baseRef
        report.branch = branch.name
        report.branchSource = branch.source
        report.settings =
            "\(LockmasterSettings.fileName) at the base (\(baseRef))\(trusted.text == nil ? ", which has none: the defaults" : "")"
        report.builds =
            kubectlInstalled
            ? try ConfinedKustomize(kubectl: kubectl, runner: runner, unconfined: request.unconfined).wall().description
            : "no builds (\(kubectl) is not installed)"
        if branch.source != "lockmaster.yaml", branch.name != "main" {
            notes.append("the branch of record is \(branch.description); set branch in lockmaster.yaml to name another")
        }
        report.notes = notes
        return report
    }

    /// The clusters directory and the platform paths as written (symlinks and parse errors are findings
    /// of their own), with a note for a stale editor schema and for a path that does not exist.
    private func read(_ repository: PlatformRepository, notes: inout [String]) -> (ManifestSet, symlinks: [String]) {
        let root = repository.root
        let settings = repository.settings
        var set = ManifestSet()
        var symlinks: [String] = []
        let loader = ManifestLoader(root: root)
        // The editor's copy of the settings schema, written by an older init, may describe other keys.
        let schemaCopy = root.appendingPathComponent(SettingsSchema.fileName)
        if let copy = try? String(contentsOf: schemaCopy, encoding: .utf8), copy != SettingsSchema.json + "\n" {
            notes.append(
                "\(SettingsSchema.fileName) differs from the schema this lockmaster validates with; "
                    + "refresh it for your editor: lockmaster schema > \(SettingsSchema.fileName)")
        }
        for path in [settings.clustersDir] + settings.platformPaths {
            // A repository may not have platform paths yet (or use other names): nothing there to check.
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) else {
                notes.append(
                    "\(path) does not exist; nothing under it was checked (platformPaths in lockmaster.yaml names the platform's directories)"
                )
                continue
            }
            let part = loader.load(under: path)
            symlinks += part.symlinks
            set.objects += part.objects
            set.diagnostics += part.diagnostics
        }
        return (set, symlinks)
    }

    /// Each environment as Flux applies it (rendered), or as its files read when kubectl is missing.
    /// - Throws: `KernelWall.Missing` where builds cannot be confined and `unconfined` is not set.
    private func scopes(
        _ repository: PlatformRepository, all: [KubernetesObject], unconfined: Bool, base: String,
        notes: inout [String]
    ) async throws -> [EnvironmentScope] {
        let cache = BuildCache(directory: cacheDirectory)
        let trees: SourceTrees
        do { trees = try SourceTrees(repository: repository.root, settings: repository.settings) } catch {
            notes.append("no scratch directory for rendering (\(error)), so the reference rules read files instead")
            return repository.environments.map { EnvironmentScope.build($0, all: all) }
        }
        defer { trees.removeAll() }
        let renders = kubectlInstalled
        if renders { _ = try ConfinedKustomize(kubectl: kubectl, runner: runner, unconfined: unconfined).wall() }
        if !renders {
            notes.append(
                "\(kubectl) is not installed, so the reference rules read files instead of what Flux applies; install kubectl for exact results"
            )
        }
        var scopes: [EnvironmentScope] = []
        for environment in repository.environments {
            scopes.append(
                renders
                    ? await rendered(
                        environment, root: repository.root, all: all, unconfined: unconfined, base: base, cache: cache,
                        trees: trees,
                        notes: &notes)
                    : EnvironmentScope.build(environment, all: all))
        }
        await cache.finish()
        return scopes
    }

    /// Each scope with what it declares, and what the environments sharing its cluster declare.
    private static func declarations(_ scopes: [EnvironmentScope], root: URL) -> [(
        scope: EnvironmentScope, declared: Declarations
    )] {
        scopes.map { scope in
            let environment = scope.environment
            // Another environment that applies this one's entry runs in the same cluster (a hand-applied
            // bootstrap directory beside an operator sync): what it declares is declared here too.
            let entry = environment.entryPath + "/"
            let sameCluster = scopes.filter { other in
                other.environment.name != environment.name
                    && other.objects.contains { $0.location.path.hasPrefix(entry) }
            }
            let alsoDeclared = Set(
                sameCluster.flatMap { $0.objects.compactMap { $0.name == nil ? nil : $0.reference } })
            return (scope, Declarations(scope, alsoDeclared: alsoDeclared, root: root))
        }
    }

    private var kubectlInstalled: Bool {
        kubectl.contains("/")
            ? FileManager.default.isExecutableFile(atPath: kubectl) : ExecutableLookup.find(kubectl) != nil
    }

    /// The environment as Flux applies it, rendered offline from the work tree; what could not be built is
    /// `build-failed` or `not-rendered`.
    private func rendered(
        _ environment: PlatformEnvironment, root: URL, all: [KubernetesObject], unconfined: Bool, base: String,
        cache: BuildCache, trees: SourceTrees,
        notes: inout [String]
    ) async -> EnvironmentScope {
        let report: RenderReport
        do {
            var request = RenderRequest(
                repository: root, environment: environment.name, offline: true, unconfined: unconfined)
            request.identityRef = base == WellKnownRevision.emptyTree ? nil : base
            report = try await PlatformRenderer(runner: runner, kubectl: kubectl, git: git).run(
                request, cache: cache, trees: trees)
        } catch {
            notes.append("\(environment.name) could not be rendered (\(error)), so its references were read from files")
            return EnvironmentScope.build(environment, all: all)
        }
        return EnvironmentScope.rendered(environment, report: report, root: root, all: all)
    }

    /// `--base`, else the merge base with the branch of record, else with its remote-tracking branch
    /// (CI's single-branch checkouts have no local one); before the first commit, the empty tree.
    /// The Flux each environment of the base installs, read from an export of the base with its settings.
    private func baseFlux(at base: String, settings: LockmasterSettings, root: URL) async -> [String: (
        release: FluxRelease, source: String?
    )] {
        guard base != WellKnownRevision.emptyTree, let scratch = try? ScratchDirectory(prefix: "lockmaster-base"),
            (try? await git.export(base, to: scratch.url, in: root)) != nil
        else { return [:] }
        defer { scratch.remove() }
        let repository = PlatformRepository.load(root: scratch.url, settings: settings)
        var found: [String: (release: FluxRelease, source: String?)] = [:]
        for environment in repository.environments {
            found[environment.name] = FluxRelease.installed(by: environment, root: scratch.url, settings: settings)
        }
        return found
    }

    /// Directories of the clusters directory that are environments no more after the change (deleted,
    /// replaced by a file, or gutted), with the first Flux Kustomization or FluxInstance their deleted
    /// files declared at the base.
    private func removedEnvironments(_ change: ChangeContext, root: URL) async -> [ChangeContext.RemovedEnvironment] {
        let settings = change.repository.settings
        let depth = settings.clustersDepth
        var deleted: [String: [String]] = [:]
        for (status, path) in change.changes where status == "D" {
            let parts = path.split(separator: "/").map(String.init)
            guard parts.count > depth + 1, parts.prefix(depth).joined(separator: "/") == settings.clustersDir else {
                continue
            }
            deleted[parts[depth], default: []].append(path)
        }
        var removed: [ChangeContext.RemovedEnvironment] = []
        let loader = ManifestLoader(root: root)
        for (name, paths) in deleted.sorted(by: { $0.key < $1.key }) {
            let directory = settings.environmentDirectory(name)
            // Gone, or no longer an environment: replaced by a file, or left with what syncs nothing.
            if let kept = change.repository.environment(named: name),
                kept.entry != nil || kept.instance != nil
                    || kept.objects.contains(where: { FluxKustomization($0) != nil })
            {
                continue
            }
            for path in paths.sorted() {
                guard let data = try? await git.contents(of: path, at: change.base, in: root) else { continue }
                var set = ManifestSet()
                loader.read(data: data, path: path, into: &set)
                guard let object = set.objects.first(where: { FluxKustomization($0) != nil || FluxInstance($0) != nil })
                else { continue }
                removed.append(
                    ChangeContext.RemovedEnvironment(
                        name: name, directory: directory,
                        object: "\(object.kind)/\(object.effectiveNamespace)/\(object.name ?? "")",
                        location: object.location))
                break
            }
        }
        return removed
    }

    private func base(_ requested: String?, branch: String, root: URL) async throws -> (commit: String, ref: String) {
        // A change needs history: a directory outside git has none (and git's own error is its usage text).
        guard try await git.workTreeRoot(containing: root) != nil else {
            throw RepositoryLocationError.notInWorkTree(root.path)
        }
        if let requested {
            guard let commit = try await git.resolve(requested, in: root) else {
                throw CheckError.unknownBase(requested)
            }
            return (commit, requested)
        }
        guard try await git.resolve("HEAD", in: root) != nil else {
            return (WellKnownRevision.emptyTree, "the empty tree (no commit yet)")
        }
        // Only a branch: `HEAD`, a tag or a commit named as the branch of record would compare the change with itself.
        for ref in [branch, "origin/\(branch)"] {
            guard branch != "HEAD",
                try await git.resolve("refs/\(ref.hasPrefix("origin/") ? "remotes" : "heads")/\(ref)", in: root) != nil
            else { continue }
            guard let commit = try await git.mergeBase("HEAD", ref, in: root) else {
                throw CheckError.noCommonHistory(ref)
            }
            return (commit, ref)
        }
        throw CheckError.noBase(branch: branch)
    }

}
