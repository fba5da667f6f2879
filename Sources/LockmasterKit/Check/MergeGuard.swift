public import Foundation
public import GitKit
import Artifacts
import Manifests
import Platform
public import Support

/// What `lockmaster check` is asked to do.
public struct CheckRequest: Sendable {
    public var repository: URL
    /// The revision to compare with; default: the merge base of `HEAD` and the branch of record.
    public var base: String?
    /// Kubernetes minor version (`1.29`) for built-in API deprecations; nil checks Flux APIs only.
    public var kubeVersion: String?
    /// The branch the change merges into. Default: the CI's target branch (`GITHUB_BASE_REF`,
    /// `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`); otherwise the branch of record, except on a sandbox's own
    /// branch, where its directory belongs until the pull request.
    public var target: String?
    public var environment: [String: String]

    public init(repository: URL, base: String? = nil, kubeVersion: String? = nil, target: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.repository = repository
        self.base = base
        self.kubeVersion = kubeVersion
        self.target = target
        self.environment = environment
    }
}

/// Why `check` could not run at all.
public enum CheckError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownBase(String)
    case invalidKubeVersion(String)
    /// Neither the branch of record nor its remote-tracking branch is here (a single-branch clone).
    case noBase(branch: String)
    case noCommonHistory(String)

    public var description: String {
        switch self {
        case let .noBase(branch):
            return "no base to compare the change with: neither \(branch) nor origin/\(branch) exists in this clone, so the change rules cannot run; "
                + "fetch it (git fetch origin \(branch)) or name the base with --base REV"
        case let .noCommonHistory(ref):
            return "HEAD has no common history with \(ref), so the change rules cannot run; name the base with --base REV"
        case let .unknownBase(base): return "--base \(base) is not a revision of this repository"
        case let .invalidKubeVersion(version): return "--kube-version \(version) is not a Kubernetes version; write it as 1.29"
        }
    }
}

/// The merge guard: policy rules over the work tree, compared with a base revision.
public struct MergeGuard: Sendable {
    private let git: any GitClient
    private let runner: any ProcessRunner
    private let kubectl: String

    public init(git: any GitClient = ProcessGitClient(), runner: any ProcessRunner = SystemProcessRunner(),
                kubectl: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl") {
        self.git = git
        self.runner = runner
        self.kubectl = kubectl
    }

    public func run(_ request: CheckRequest) async throws -> CheckReport {
        let root = request.repository
        var kubeMinor: Int?
        if let version = request.kubeVersion {
            let parts = version.trimmingPrefix("v").split(separator: ".")
            guard parts.count >= 2, parts[0] == "1", let minor = Int(parts[1]) else { throw CheckError.invalidKubeVersion(version) }
            kubeMinor = minor
        }
        let (repository, branch) = try await PlatformRepository.load(root: root).resolvingBranch(git: git)
        let settings = repository.settings
        var set = ManifestSet()
        var findings: [CheckFinding] = []
        let loader = ManifestLoader(root: root)
        var notes: [String] = []
        // The editor's copy of the settings schema, written by an older init, may describe other keys.
        let schemaCopy = root.appendingPathComponent(SettingsSchema.fileName)
        if let copy = try? String(contentsOf: schemaCopy, encoding: .utf8), copy != SettingsSchema.json + "\n" {
            notes.append("\(SettingsSchema.fileName) differs from the schema this lockmaster validates with; "
                         + "refresh it for your editor: lockmaster schema > \(SettingsSchema.fileName)")
        }
        for path in [settings.clustersDir] + settings.platformPaths {
            // A repository may not have platform paths yet (or use other names): nothing there to check.
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) else {
                notes.append("\(path) does not exist; nothing under it was checked (platformPaths in lockmaster.yaml names the platform's directories)")
                continue
            }
            let part = loader.load(under: path)
            findings += SymlinkRule.check(part.symlinks, root: root)
            set.objects += part.objects
            set.diagnostics += part.diagnostics
        }

        findings += set.diagnostics.map {
            CheckFinding(.parseError, .error, at: $0.location ?? SourceLocation(path: "."), $0.message, hint: $0.hint)
        }

        // Rules about the change itself: they always have a base, or check stops before any verdict.
        let (base, baseRef) = try await base(request.base, branch: settings.branch, root: root)
        let target = request.target ?? request.environment["GITHUB_BASE_REF"].flatMap { $0.isEmpty ? nil : $0 }
            ?? request.environment["CI_MERGE_REQUEST_TARGET_BRANCH_NAME"].flatMap { $0.isEmpty ? nil : $0 }
        let current = try await git.currentBranch(in: root)
        findings += try await changeRules(since: base, root: root, repository: repository, target: target, current: current, notes: &notes)

        findings += environmentRules(repository)
        let cache = BuildCache()
        let renders = kubectlInstalled
        if !renders {
            notes.append("\(kubectl) is not installed, so the reference rules read files instead of what Flux applies; install kubectl for exact results")
        }
        var scopes: [EnvironmentScope] = []
        for environment in repository.environments {
            scopes.append(renders ? await rendered(environment, root: root, all: set.objects, cache: cache, findings: &findings, notes: &notes)
                : EnvironmentScope.build(environment, all: set.objects))
        }
        for scope in scopes {
            let environment = scope.environment
            // Another environment that applies this one's entry runs in the same cluster (a hand-applied
            // bootstrap directory beside an operator sync): what it declares is declared here too.
            let entry = environment.entryPath + "/"
            let sameCluster = scopes.filter { other in
                other.environment.name != environment.name && other.objects.contains { $0.location.path.hasPrefix(entry) }
            }
            let alsoDeclared = Set(sameCluster.flatMap { $0.objects.compactMap { $0.name == nil ? nil : $0.reference } })
            findings += GraphRules.check(scope, alsoDeclared: alsoDeclared)
            if environment.classification.kind == .tracksRange || environment.classification.kind == .pinned {
                findings += unpinnedCharts(scope)
            }
        }
        findings += fluxDeprecations(scopes: scopes, all: set.objects, root: root)
        findings += deprecations(set.objects, kubeMinor: kubeMinor)

        // One finding per place and message, in file order.
        var seen = Set<CheckFinding>()
        let unique = findings.filter { seen.insert($0).inserted }.sorted { $0.location != $1.location ? $0.location < $1.location : $0.rule.rawValue < $1.rule.rawValue }
        let (kept, silenced) = Suppressions(root: root).split(unique)
        var report = CheckReport(base: base, findings: kept, silenced: silenced)
        report.baseRef = baseRef
        report.branch = branch.name
        report.branchSource = branch.source
        if branch.source != "lockmaster.yaml", branch.name != "main" {
            notes.append("the branch of record is \(branch.description); set branch in lockmaster.yaml to name another")
        }
        report.notes = notes
        return report
    }

    private var kubectlInstalled: Bool {
        kubectl.contains("/") ? FileManager.default.isExecutableFile(atPath: kubectl) : ExecutableLookup.find(kubectl) != nil
    }

    /// The environment as Flux applies it, rendered offline from the work tree; a Kustomization that
    /// cannot be built is a `build-failed` error, one whose content is elsewhere a `not-rendered` warning.
    private func rendered(_ environment: PlatformEnvironment, root: URL, all: [KubernetesObject], cache: BuildCache,
                          findings: inout [CheckFinding], notes: inout [String]) async -> EnvironmentScope {
        let report: RenderReport
        do {
            report = try await PlatformRenderer(runner: runner, kubectl: kubectl)
                .run(RenderRequest(repository: root, environment: environment.name, offline: true), cache: cache)
        } catch {
            notes.append("\(environment.name) could not be rendered (\(error)), so its references were read from files")
            return EnvironmentScope.build(environment, all: all)
        }
        let scope = EnvironmentScope.rendered(environment, report: report, root: root, all: all)
        for problem in report.problems {
            let declared = scope.objects.first { object in
                FluxKustomization(object) != nil && "\(object.effectiveNamespace)/\(object.name ?? "")" == problem.kustomization
            }
            let location = declared.map { scope.location($0, ["spec", "path"]) } ?? environment.entry?.object.location
                ?? environment.objects.first?.location ?? SourceLocation(path: environment.directory)
            let subject = problem.kustomization == PlatformRenderer.entryLabel ? "\(environment.name)'s entry \(problem.path)" : "Kustomization \(problem.kustomization) (\(problem.path))"
            switch problem.cause {
            case .build:
                findings.append(CheckFinding(.buildFailed, .error, at: location, "\(subject) cannot be built, so Flux cannot apply it: \(problem.message)",
                                             hint: "fix the kustomization (lockmaster render \(environment.name) shows the build); its files were checked as written"))
            case .remote:
                findings.append(CheckFinding(.notRendered, .warning, at: location, "\(subject) is not rendered offline: \(problem.message)",
                                             hint: "its own files were checked as written; what the remote resources declare is not known here"))
            case .undeclared:
                continue  // dangling-source-ref says it
            case .unavailable:
                findings.append(CheckFinding(.notRendered, .warning, at: location, "\(subject) is not rendered offline: \(problem.message)",
                                             hint: "references into what it applies are not judged"))
            }
        }
        return scope
    }

    /// `--base`, else the merge base with the branch of record, else with its remote-tracking branch
    /// (CI's single-branch checkouts have no local one); before the first commit, the empty tree.
    private func base(_ requested: String?, branch: String, root: URL) async throws -> (commit: String, ref: String) {
        if let requested {
            guard let commit = try await git.resolve(requested, in: root) else { throw CheckError.unknownBase(requested) }
            return (commit, requested)
        }
        guard try await git.resolve("HEAD", in: root) != nil else { return (Self.emptyTree, "the empty tree (no commit yet)") }
        for ref in [branch, "origin/\(branch)"] {
            guard try await git.resolve(ref, in: root) != nil else { continue }
            guard let commit = try await git.mergeBase("HEAD", ref, in: root) else { throw CheckError.noCommonHistory(ref) }
            return (commit, ref)
        }
        throw CheckError.noBase(branch: branch)
    }

    /// git's id of the empty tree: everything in the work tree is added.
    static let emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

    /// `sync-file-changed` and `sandbox-in-main`.
    private func changeRules(since base: String, root: URL, repository: PlatformRepository, target: String?, current: String?,
                             notes: inout [String]) async throws -> [CheckFinding] {
        let settings = repository.settings
        var findings: [CheckFinding] = []
        var sandboxes: Set<String> = []
        let depth = settings.clustersDepth
        for (status, path) in try await git.changes(since: base, in: root) where status != "D" {
            let parts = path.split(separator: "/").map(String.init)
            guard parts.count > depth, parts.prefix(depth).joined(separator: "/") == settings.clustersDir else { continue }
            // A sandbox's own sync file, committed by flux bootstrap on its branch, belongs there until the
            // pull request to the branch of record.
            let home = repository.environment(named: parts[depth]).flatMap { $0.classification.kind == .tracksBranch ? $0.classification.ref : nil }
            let ownBranch = parts[depth].hasPrefix("sandbox-") && target == nil && current != nil && current == home
            if parts.count == depth + 3, parts[depth + 1] == "flux-system", parts[depth + 2] == "gotk-sync.yaml", ownBranch {
                notes.append("\(path) is this sandbox branch's own sync file (\(current ?? "")); [sync-file-changed] applies when the change targets \(settings.branch)")
            } else if parts.count == depth + 3, parts[depth + 1] == "flux-system", parts[depth + 2] == "gotk-sync.yaml" {
                findings.append(CheckFinding(.syncFileChanged, .error, at: SourceLocation(path: path),
                                             "\(path) is \(status == "A" ? "added" : "changed"): merging it would point \(parts[depth]) at another branch or path",
                                             hint: "drop this file from the change (git checkout \(String(base.prefix(12))) -- \(path), or git rm it)"))
            }
            if status == "A", parts[depth].hasPrefix("sandbox-") {
                let directory = parts.prefix(depth + 1).joined(separator: "/")
                guard sandboxes.insert(directory).inserted else { continue }
                if let target, target != settings.branch { continue }
                if ownBranch, let current {
                    notes.append("\(directory) belongs to this sandbox branch (\(current)); [sandbox-in-main] applies when the change targets \(settings.branch): --target \(settings.branch), or in CI")
                    continue
                }
                findings.append(CheckFinding(.sandboxInMain, .error, at: SourceLocation(path: path),
                                             "\(directory) is added: sandbox directories must not reach \(settings.branch)",
                                             hint: "remove the sandbox directory from the branch before merging (git rm -r \(directory))"))
            }
        }
        return findings
    }

    /// `development-tracks-main`, `staging-patch-range`, `production-pinned`, by promotion order.
    private func environmentRules(_ repository: PlatformRepository) -> [CheckFinding] {
        let settings = repository.settings
        var findings: [CheckFinding] = []
        func location(_ environment: PlatformEnvironment) -> SourceLocation {
            if let source = environment.source?.object { return source.location(of: ["spec", "ref"]) }
            if let instance = environment.instance { return instance.object.location(of: instance.syncPath("ref")) }
            return environment.entry?.object.location ?? environment.objects.first?.location ?? SourceLocation(path: environment.directory)
        }
        let order = settings.environments
        if order.count > 0, let development = repository.environment(named: order[0]) {
            let classification = development.classification
            if classification.kind != .tracksBranch || classification.ref != settings.branch {
                findings.append(CheckFinding(.developmentTracksMain, .error, at: location(development),
                                             "\(development.name) must track branch \(settings.branch); it is \(([classification.kind.rawValue] + [classification.ref].compactMap { $0 }).joined(separator: " "))",
                                             hint: "set its platform GitRepository's spec.ref.branch to \(settings.branch)"))
            }
        }
        if order.count > 1, let staging = repository.environment(named: order[1]) {
            let classification = staging.classification
            if classification.kind != .tracksRange || classification.refField != .semver {
                findings.append(CheckFinding(.stagingPatchRange, .warning, at: location(staging),
                                             "\(staging.name) should track a semver range of patch releases; it is \(classification.kind.rawValue)",
                                             hint: "set its OCIRepository's spec.ref.semver to a patch range such as ~1.4.0"))
            } else if let text = classification.ref, let range = try? SemverRange(text), let wider = Self.admitsMoreThanPatches(range) {
                findings.append(CheckFinding(.stagingPatchRange, .warning, at: location(staging),
                                             "\(staging.name)'s range \"\(text)\" admits \(wider), not only patch releases",
                                             hint: "use a patch range such as ~\(wider.split(separator: " ").last.map(String.init) ?? "1.4.0") or 1.4.x"))
            }
        }
        if order.count > 2, let production = repository.environment(named: order[2]) {
            let kind = production.classification.kind
            if kind == .tracksRange || kind == .tracksBranch {
                findings.append(CheckFinding(.productionPinned, .error, at: location(production),
                                             "\(production.name) must be pinned to one exact tag or digest; it \(kind == .tracksRange ? "tracks the range" : "tracks branch") \(production.classification.ref ?? "")",
                                             hint: "set spec.ref.tag to the version staging ran (lockmaster resolve staging), and remove spec.ref.semver"))
            }
        }
        return findings
    }

    /// A description of a minor or major release the range admits, or nil for a patch-only range.
    static func admitsMoreThanPatches(_ range: SemverRange) -> String? {
        guard let lowest = try? NextVersion.inRange(range, tags: []) else { return nil }
        let minor = SemanticVersion(major: lowest.major, minor: lowest.minor + 1, patch: 0)
        let major = SemanticVersion(major: lowest.major + 1, minor: 0, patch: 0)
        if range.contains(major) { return "a new major version \(major.normalized)" }
        if range.contains(minor) { return "a new minor version \(minor.normalized)" }
        return nil
    }

    /// `unpinned-chart`: deterministic environments need exact chart versions.
    private func unpinnedCharts(_ scope: EnvironmentScope) -> [CheckFinding] {
        scope.objects.compactMap(HelmRelease.init).compactMap { release in
            guard let chart = release.chart else { return nil }
            let object = release.object
            guard let version = chart.version else {
                return CheckFinding(.unpinnedChart, .warning, at: scope.location(object, ["spec", "chart", "spec"]),
                                    "\(object.displayName) has no chart version, so environments that track a range or are pinned get whatever is newest",
                                    hint: "set spec.chart.spec.version to an exact version")
            }
            guard SemanticVersion.flux(version) == nil || version.contains(where: { "*xX^~><=|, ".contains($0) }) else { return nil }
            return CheckFinding(.unpinnedChart, .warning, at: scope.location(object, ["spec", "chart", "spec", "version"]),
                                "\(object.displayName) asks for chart version \"\(version)\", a range, where versions must be exact (an environment that tracks a range or is pinned uses it)",
                                hint: "pin an exact version such as 1.2.3; ranges belong to branch-tracking environments")
        }
    }

    /// `deprecated-api` for Flux APIs, judged by the Flux each environment installs: an error where that
    /// release no longer serves the API, else a warning whose fix names the release that serves the
    /// replacement. An object several environments apply gets the most severe verdict; one that no
    /// environment applies is judged against current Flux.
    private func fluxDeprecations(scopes: [EnvironmentScope], all: [KubernetesObject], root: URL) -> [CheckFinding] {
        var verdicts: [SourceLocation: CheckFinding] = [:]
        func judge(_ object: KubernetesObject, at location: SourceLocation, release: FluxRelease, environment: String?) {
            guard let entry = APIDeprecations.match(APIDeprecations.flux, apiVersion: object.apiVersion, kind: object.kind) else { return }
            let since = entry.replacementSinceFlux ?? 0
            let subject = "\(object.kind) \(object.apiVersion)"
            let place = environment.map { release == .unknown ? " (\($0): no Flux version in git, so current Flux is assumed)" : " (\($0) installs \(release.description))" } ?? ""
            let finding: CheckFinding
            if !release.serves(removedIn: entry.removedInFlux), let removed = entry.removedInFlux {
                finding = CheckFinding(.deprecatedAPI, .error, at: location,
                                       "\(subject) is not served by \(release.description)\(place): Flux 2.\(removed) removed it",
                                       hint: "use \(entry.replacement), served since Flux 2.\(since)")
            } else if release.serves(since: since) {
                let removal = entry.removedInFlux.map { " and removed in Flux 2.\($0)" } ?? ""
                finding = CheckFinding(.deprecatedAPI, .warning, at: location, "\(subject) is deprecated\(removal)\(place)",
                                       hint: "use \(entry.replacement), served since Flux 2.\(since)")
            } else {
                finding = CheckFinding(.deprecatedAPI, .warning, at: location, "\(subject) is deprecated\(place); \(entry.replacement) needs Flux 2.\(since)",
                                       hint: "upgrade Flux to 2.\(since) or later, then use \(entry.replacement)")
            }
            if let earlier = verdicts[location], earlier.severity == .error || finding.severity == .warning { return }
            verdicts[location] = finding
        }
        var judged = Set<SourceLocation>()
        for scope in scopes {
            let release = FluxRelease.installed(by: scope.environment, root: root)
            for object in scope.objects {
                let location = scope.location(object, ["apiVersion"])
                judged.insert(object.location)
                judge(object, at: location, release: release, environment: scope.environment.name)
            }
        }
        for object in all where !judged.contains(object.location) {
            judge(object, at: object.location(of: ["apiVersion"]), release: .unknown, environment: nil)
        }
        return Array(verdicts.values)
    }

    /// `deprecated-api` for Kubernetes built-ins at `--kube-version`.
    private func deprecations(_ objects: [KubernetesObject], kubeMinor: Int?) -> [CheckFinding] {
        objects.compactMap { object in
            guard let minor = kubeMinor, let entry = APIDeprecations.match(APIDeprecations.kubernetes, apiVersion: object.apiVersion, kind: object.kind) else {
                return nil
            }
            if let removed = entry.removedIn, minor >= removed {
                return CheckFinding(.deprecatedAPI, .error, at: object.location(of: ["apiVersion"]),
                                    "\(object.kind) \(object.apiVersion) is not served by Kubernetes 1.\(minor) (removed in 1.\(removed))",
                                    hint: "use \(entry.replacement)")
            }
            if let deprecated = entry.deprecatedIn, minor >= deprecated {
                return CheckFinding(.deprecatedAPI, .warning, at: object.location(of: ["apiVersion"]),
                                    "\(object.kind) \(object.apiVersion) is deprecated in Kubernetes 1.\(minor)" + (entry.removedIn.map { " and removed in 1.\($0)" } ?? ""),
                                    hint: "use \(entry.replacement)")
            }
            return nil
        }
    }
}
