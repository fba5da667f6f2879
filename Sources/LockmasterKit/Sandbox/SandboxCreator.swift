public import Foundation
public import GitKit
import Manifests
import Platform
public import Support

/// What `lockmaster sandbox create` is asked to do.
public struct SandboxCreateRequest: Sendable {
    public var repository: URL
    public var name: String
    /// The environment to clone (default: `sandbox.from`, development).
    public var from: String?
    /// The branch to start from (default: the branch of record, main).
    public var base: String?
    public var noCommit: Bool
    /// Run the hooks again, from the one that failed, on the existing sandbox branch.
    public var resume: Bool
    /// Told every chunk a hook prints, as it prints it.
    public var hookOutput: (@Sendable (Data) -> Void)?
    /// The lease's owner (default: git's `user.email`) and length (default: `sandbox.ttl`).
    public var owner: String?
    public var ttl: TimeSpan?
    /// The clock the lease starts from.
    public var now: Date

    public init(
        repository: URL, name: String, from: String? = nil, base: String? = nil, noCommit: Bool = false,
        resume: Bool = false,
        hookOutput: (@Sendable (Data) -> Void)? = nil, owner: String? = nil, ttl: TimeSpan? = nil, now: Date = Date()
    ) {
        self.owner = owner
        self.ttl = ttl
        self.now = now
        self.repository = repository
        self.name = name
        self.from = from
        self.base = base
        self.noCommit = noCommit
        self.resume = resume
        self.hookOutput = hookOutput
    }
}

/// What `sandbox create` did (`-o json`).
public struct SandboxCreateReport: Sendable, Codable, Equatable {
    public var name: String
    public var branch: String
    public var base: String
    public var from: String
    public var directory: String
    /// The commit created; nil with `--no-commit` or when resuming.
    public var commit: String?
    /// Files written, relative to the repository.
    public var files: [String]
    public var hooks: [String]
    /// What the operator does next when no hooks are configured, commands filled in.
    public var nextSteps: [String]
    /// Who owns the sandbox and until when (`lease.lockmaster` in its directory).
    public var lease: SandboxLease?
}

/// Creates a sandbox: branch NAME from the base, a copy of the source environment without its
/// `flux-system/gotk-sync.yaml`, its platform GitRepository pointed at NAME, one commit, then the hooks.
/// Before the commit, any failure puts the repository back exactly as it was.
public struct SandboxCreator: Sendable {
    private let git: any GitClient
    private let runner: any ProcessRunner

    public init(git: any GitClient = ProcessGitClient(), runner: any ProcessRunner = SystemProcessRunner()) {
        self.git = git
        self.runner = runner
    }

    public func run(_ request: SandboxCreateRequest) async throws -> SandboxCreateReport {
        let root = request.repository
        var settings = try SettingsLoader.load(repositoryRoot: root)
        settings.branch = await BaseBranch.resolve(root: root, settings: settings, git: git).name
        let name = request.name
        guard let pattern = try? NSRegularExpression(pattern: settings.sandbox.namePattern),
            pattern.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
        else {
            throw SandboxError.invalidName(name, pattern: settings.sandbox.namePattern)
        }
        let from = request.from ?? settings.sandbox.from
        let base = request.base ?? settings.branch
        let sandbox = Sandbox(name: name, settings: settings)
        let directory = sandbox.directory
        let lease = try await lease(for: request, settings: settings)
        if request.resume {
            return try await resume(
                request, settings: settings, from: from, base: base, directory: directory, lease: lease)
        }
        // A run stopped hard (kill -9, a power cut) between the branch and the commit: say what it left.
        if let leftovers = try await leftovers(name: name, base: base, directory: directory, root: root) {
            throw leftovers
        }

        try await WorkTreeChange(git: git, root: root).requireClean { RepositoryStateError.dirty($0, .commit) }
        guard try await !git.branchExists(name, in: root) else { throw SandboxError.branchExists(name) }
        guard try await git.resolve(base, in: root) != nil else { throw SandboxError.unknownBase(base) }
        if let max = settings.sandbox.max {
            let open = try await SandboxLister(git: git).open(repository: root)
            if open.count >= max {
                throw SandboxError.tooMany(max: max, oldest: open.prefix(3).map { "\($0.name) (since \($0.created))" })
            }
        }
        var original = try await git.currentBranch(in: root)
        if original == nil { original = try await git.head(in: root).commit }
        let originalRef = original ?? base

        // The branch, the copy and the commit are all in place or all undone.
        let (files, commit) = try await copyAndCommit(
            request, on: .new(name, from: base), settings: settings, from: from, base: base, directory: directory,
            lease: lease)
        var report = SandboxCreateReport(
            name: name, branch: name, base: base, from: from, directory: directory, commit: commit,
            files: files, hooks: settings.sandbox.hooks.create, nextSteps: [], lease: lease)
        if settings.sandbox.hooks.create.isEmpty {
            report.nextSteps = try await nextSteps(name: name, directory: directory, root: root, settings: settings)
        } else {
            try await runHooks(
                from: 0, request: request, settings: settings, directory: directory, original: originalRef)
        }
        return report
    }

    /// The sandbox's own change: copy, point, stage, commit (unless --no-commit), on `branch`; on a
    /// failure all of it is undone, the branch included when this made it.
    private func copyAndCommit(
        _ request: SandboxCreateRequest, on branch: WorkTreeChange.Branch, settings: LockmasterSettings, from: String,
        base: String,
        directory: String, lease: SandboxLease
    ) async throws -> ([String], String?) {
        let root = request.repository
        let message =
            request.noCommit
            ? nil
            : """
            Create sandbox \(request.name) from \(from) at \(base)

            Copies \(settings.environmentDirectory(from)) to \(directory) without \(settings.sandbox.exclude.joined(separator: ", ")) \
            and points its platform GitRepository at branch \(request.name).
            """
        let done = try await WorkTreeChange(git: git, root: root).run(
            on: branch, paths: [directory], message: { _ in message }
        ) {
            guard !FileManager.default.fileExists(atPath: root.appendingPathComponent(directory).path) else {
                throw SandboxError.directoryExists(directory)
            }
            var files = try await copy(from: from, to: directory, settings: settings, root: root)
            try point(
                directory: directory, copiedFrom: settings.environmentDirectory(from), at: request.name, root: root,
                settings: settings)
            let leaseFile = Sandbox(name: request.name, settings: settings).leasePath
            try AtomicFile.write(Data(lease.text.utf8), to: root.appendingPathComponent(leaseFile))
            files.append(leaseFile)
            return files
        }
        return (done.value, done.commit)
    }

    /// The lease a new sandbox gets: its owner, now, and now plus the TTL.
    private func lease(for request: SandboxCreateRequest, settings: LockmasterSettings) async throws -> SandboxLease {
        let ttl = try SandboxLease.ttl(request.ttl, settings: settings)
        var owner = request.owner
        if owner == nil { owner = try await SandboxLease.defaultOwner(git: git, root: request.repository) }
        guard let owner else { throw SandboxLeaseError.noOwner }
        return SandboxLease(
            owner: owner, created: request.now, expires: request.now.addingTimeInterval(ttl.seconds),
            ticket: SandboxLease.ticket(in: request.name))
    }

    /// The sandbox commit: the newest commit of the branch's own that touches the sandbox directory (which
    /// the base does not have).
    private func sandboxCommit(name: String, base: String, directory: String, root: URL) async throws -> String? {
        guard try await git.aheadBehind(name, base, in: root).onlyA > 0 else { return nil }
        return try await git.commits(on: name, touching: directory, limit: 1, in: root).first?.commit
    }

    /// What an interrupted `sandbox create` left, as an error that says how to finish or undo it; nil
    /// when nothing is left (or the branch is not this command's).
    private func leftovers(name: String, base: String, directory: String, root: URL) async throws -> SandboxError? {
        guard try await git.branchExists(name, in: root), try await git.currentBranch(in: root) == name,
            try await sandboxCommit(name: name, base: base, directory: directory, root: root) == nil
        else { return nil }
        let uncommitted = try await git.status(of: [directory], in: root)
        var found = ["branch \(name), checked out, with no sandbox commit"]
        if !uncommitted.isEmpty {
            let staged = uncommitted.filter(\.isStaged).count
            found.append(
                "\(uncommitted.count) uncommitted path\(uncommitted.count == 1 ? "" : "s") under \(directory) (\(staged) staged)"
            )
        }
        return .interrupted(name: name, found: found, directory: directory, base: base)
    }

    /// Copies the tracked files of the source environment, leaving out the excluded paths.
    private func copy(from environment: String, to directory: String, settings: LockmasterSettings, root: URL)
        async throws -> [String]
    {
        let repository = PlatformRepository.load(root: root, settings: settings)
        guard let source = repository.environment(named: environment) else {
            throw RepositoryStateError.unknownEnvironment(environment, in: repository)
        }
        guard source.classification.kind == .tracksBranch else {
            throw SandboxError.notBranchTracking(
                environment: environment, kind: source.classification.kind.rawValue,
                reason: source.classification.reason)
        }
        let target = root.appendingPathComponent(directory)
        let prefix = source.directory + "/"
        var written: [String] = []
        for path in try await git.files(at: "HEAD", under: source.directory, in: root) {
            let relative = String(path.dropFirst(prefix.count))
            if settings.sandbox.exclude.contains(where: { relative == $0 || relative.hasPrefix($0 + "/") }) { continue }
            let destination = target.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: root.appendingPathComponent(path), to: destination)
            written.append("\(directory)/\(relative)")
        }
        return written
    }

    /// Sets the copied platform GitRepository's `spec.ref.branch` to the sandbox branch, byte for byte otherwise.
    private func point(
        directory: String, copiedFrom source: String, at branch: String, root: URL, settings: LockmasterSettings
    ) throws {
        let name = (directory as NSString).lastPathComponent
        let objects = ManifestLoader(root: root).load(under: directory).objects
        let environment = PlatformEnvironment.read(
            name: name, directory: directory, objects: objects, settings: settings)
        // A Flux Operator environment whose FluxInstance is in the copy: its sync follows the branch and
        // builds the copy's directory.
        // The same for the flux-instance chart's values in its HelmRelease.
        if environment.source == nil, let instance = environment.instance, instance.sync?.kind == "GitRepository",
            instance.specPath == ["spec"] || instance.specPath == ["spec", "values", "instance"],
            instance.object.location.path.hasPrefix(directory + "/")
        {
            let object = instance.object
            let selector = ObjectSelector(
                kind: object.kind, name: object.name ?? "", namespace: object.effectiveNamespace, group: object.group)
            let file = root.appendingPathComponent(object.location.path)
            try ScalarEditor.edit(
                file: file, displayPath: object.location.path, selector: selector, path: instance.syncPath("ref"),
                value: "refs/heads/\(branch)")
            // The same place in the copy: a sync of `clusters/dev/flux` becomes `clusters/sandbox-x/flux`. The
            // path as Flux joins it (`..` resolved); one outside the copied directory is not the copy's.
            let path = PathNormalizer.normalize(instance.sync?.path ?? "")
            guard path == source || path.hasPrefix(source + "/") else {
                throw SandboxError.noGitSource(
                    directory: directory,
                    reason:
                        "\(instance.displayName) at \(instance.object.location.path) syncs \(path.isEmpty ? "the repository root" : path), outside \(source); "
                        + "a sandbox copies a directory whose instance syncs that directory (or a folder of it)")
            }
            let inside = String(path.dropFirst(source.count))
            try ScalarEditor.edit(
                file: file, displayPath: object.location.path, selector: selector, path: instance.syncPath("path"),
                value: directory + inside)
            return
        }
        // A Flux Operator instance outside the copy syncs the original: the sandbox cluster would install
        // it with the apps and follow the original's directory on the branch of record.
        if environment.instance == nil,
            let instance = PlatformRepository.load(root: root, settings: settings).environments.first(where: {
                $0.directory == source
            })?.instance, let sync = instance.sync
        {
            throw SandboxError.noGitSource(
                directory: directory,
                reason:
                    "\(source) is synced by \(instance.displayName) at \(instance.object.location.path), outside the copied directory, from its \(sync.kind) sync of \(sync.path ?? source); "
                    + "the sandbox cluster would install it and follow \(source) on the branch of record. Keep a copy of that instance inside the environment's directory, so the copy can point it at the branch"
            )
        }
        // The platform source is the one flux bootstrap writes (its sync file is not copied): the
        // bootstrap the next steps give, `--branch=NAME --path=<copy>`, writes it following the branch.
        if environment.source == nil, environment.entry == nil, environment.instance == nil,
            Set(environment.platformKustomizations.compactMap(\.sourceRef)) == [FluxAPI.bootstrapSource]
        {
            return
        }
        if environment.source == nil, let instance = environment.instance, let sync = instance.sync {
            // Say what the estate has: the sync is there, but not where the copy can retarget it.
            let place =
                instance.object.location.path.hasPrefix(directory + "/")
                ? "in \(instance.object.location.path), which the copy cannot retarget in place"
                : "at \(instance.object.location.path), outside the copied directory"
            throw SandboxError.noGitSource(
                directory: directory,
                reason:
                    "its platform source is made by \(instance.displayName) from its \(sync.kind) sync \(place); point a copy of that sync at the branch and \(directory) by hand"
            )
        }
        guard case .git(let repository) = environment.source else {
            throw SandboxError.noGitSource(
                directory: directory,
                reason: environment.classification.reason ?? "its platform source is not a GitRepository")
        }
        let object = repository.object
        try ScalarEditor.edit(
            file: root.appendingPathComponent(object.location.path), displayPath: object.location.path,
            selector: ObjectSelector(
                kind: "GitRepository", name: object.name ?? "", namespace: object.effectiveNamespace,
                group: object.group),
            path: ["spec", "ref", "branch"], value: branch)
    }

    /// Finishes what a failed or interrupted run left on the sandbox branch: the copy and its commit when
    /// they are missing (a stray half-copy is replaced), then the hooks from the one that failed. It
    /// reports success only with the sandbox commit in hand.
    private func resume(
        _ request: SandboxCreateRequest, settings: LockmasterSettings, from: String, base: String, directory: String,
        lease: SandboxLease
    ) async throws -> SandboxCreateReport {
        let root = request.repository
        guard try await git.currentBranch(in: root) == request.name else {
            throw SandboxError.notResumable(request.name)
        }
        var files: [String] = []
        var commit = try await sandboxCommit(name: request.name, base: base, directory: directory, root: root)
        if commit == nil {
            let others = try await git.status(in: root).filter { !$0.path.hasPrefix(directory + "/") }
            guard others.isEmpty else { throw RepositoryStateError.dirty(others, .commit) }
            (files, commit) = try await Interruption.deferring {
                try? await git.unstage([directory], in: root)
                try? FileManager.default.removeItem(at: root.appendingPathComponent(directory))
                return try await copyAndCommit(
                    request, on: .current, settings: settings, from: from, base: base, directory: directory,
                    lease: lease)
            }
        }
        guard let commit else { throw SandboxError.notResumable(request.name) }
        let state = try stateFile(root: root, name: request.name)
        let start =
            (try? String(contentsOf: state, encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
            } ?? 0
        try await runHooks(
            from: start, request: request, settings: settings, directory: directory, original: settings.branch)
        let written =
            (try? String(
                contentsOf: root.appendingPathComponent(Sandbox(name: request.name, settings: settings).leasePath),
                encoding: .utf8))
            .flatMap { try? SandboxLease.parse($0, path: Sandbox.leaseFileName) }
        return SandboxCreateReport(
            name: request.name, branch: request.name, base: base, from: from, directory: directory, commit: commit,
            files: files, hooks: settings.sandbox.hooks.create, nextSteps: [], lease: written ?? lease)
    }

    /// Runs `sandbox.create` hooks in order from `start`; on a failure, remembers where to resume.
    private func runHooks(
        from start: Int, request: SandboxCreateRequest, settings: LockmasterSettings, directory: String,
        original: String
    ) async throws {
        let root = request.repository
        let runner = SandboxHooks(runner: self.runner, git: git)
        let environment = await runner.environment(
            for: Sandbox(name: request.name, settings: settings), repository: root)
        let hooks = settings.sandbox.hooks.create
        let state = try stateFile(root: root, name: request.name)
        for index in start..<hooks.count {
            let output = try await runner.run(
                hooks[index], in: root, environment: environment, streaming: request.hookOutput)
            guard output.status == 0 else {
                try FileManager.default.createDirectory(
                    at: state.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(Data("\(index)\n".utf8), to: state)
                let lines = (output.stdout + output.stderr).split(separator: "\n").suffix(5).map(String.init)
                throw SandboxError.hookFailed(
                    index: index, command: hooks[index], status: output.status, lastLines: lines,
                    name: request.name, original: original)
            }
        }
        try? FileManager.default.removeItem(at: state)
    }

    /// `.git/lockmaster/sandbox-<name>.next-hook`: where a failed hook run resumes.
    private func stateFile(root: URL, name: String) throws -> URL {
        root.appendingPathComponent(".git/lockmaster/\(Sandbox.environment(for: name)).next-hook")
    }

    /// The operator's next steps, with the values of this sandbox filled in.
    private func nextSteps(name: String, directory: String, root: URL, settings: LockmasterSettings) async throws
        -> [String]
    {
        let objects = ManifestLoader(root: root).load(under: directory).objects
        let environment = PlatformEnvironment.read(
            name: (directory as NSString).lastPathComponent, directory: directory, objects: objects, settings: settings)
        let url =
            try await git.remoteURL(named: "origin", in: root).map(RemoteURL.withoutCredentials) ?? environment.source?
            .url ?? "<repository URL>"
        var steps = [
            "Create the cluster for \(Sandbox.environment(for: name)) with your infrastructure-as-code (or configure sandbox.hooks.create in lockmaster.yaml to do it for you)."
        ]
        let sourceObjects =
            objects.compactMap(GitRepository.init).map(\.object) + objects.compactMap(OCIRepository.init).map(\.object)
        for object in sourceObjects {
            guard let secret = object.root.string(at: ["spec", "secretRef", "name"]) else { continue }
            let namespace = object.effectiveNamespace
            let sourceURL = object.root.string(at: ["spec", "url"]) ?? ""
            if object.kind == "OCIRepository" {
                let host = sourceURL.dropFirst("oci://".count).prefix { $0 != "/" }
                steps.append(
                    "kubectl create secret docker-registry \(secret) --namespace \(namespace) --docker-server=\(host) --docker-username=<user> --docker-password=<token>"
                )
            } else if sourceURL.hasPrefix("ssh://") || sourceURL.contains("@") && !sourceURL.hasPrefix("http") {
                steps.append(
                    "kubectl create secret generic \(secret) --namespace \(namespace) --from-file=identity=<private key> --from-file=identity.pub=<public key> --from-file=known_hosts=<known_hosts>"
                )
            } else {
                steps.append(
                    "kubectl create secret generic \(secret) --namespace \(namespace) --from-literal=username=<user> --from-literal=password=<token>"
                )
            }
        }
        steps.append("flux bootstrap git --url=\(url) --branch=\(name) --path=\(directory)")
        steps.append("git push -u origin \(name)")
        return steps
    }
}
