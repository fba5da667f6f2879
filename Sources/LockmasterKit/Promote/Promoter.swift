public import Artifacts
public import Foundation
public import GitKit
public import Manifests
import Platform
import Support

/// What `lockmaster promote ENV VERSION` (and `rollback`) is asked to do.
public struct PromoteRequest: Sendable {
    public enum Branch: Sendable, Equatable {
        /// `promote/<env>-<version>` from the branch of record.
        case automatic
        case named(String)
        /// Commit on the current branch.
        case current
    }

    public var repository: URL
    public var environment: String
    public var version: String
    public var branch: Branch
    /// Skip the staging gate and the order gate; needs a reason, recorded in the commit.
    public var force: Bool
    public var reason: String?

    public init(
        repository: URL, environment: String, version: String, branch: Branch = .automatic, force: Bool = false,
        reason: String? = nil
    ) {
        self.repository = repository
        self.environment = environment
        self.version = version
        self.branch = branch
        self.force = force
        self.reason = reason
    }
}

/// What a promotion or rollback did (`-o json`).
public struct PromoteReport: Sendable, Codable, Equatable {
    public var environment: String
    public var from: String?
    public var to: String
    public var fromDigest: String?
    public var toDigest: String
    /// The `org.opencontainers.image.revision` of the promoted artifact.
    public var sourceRevision: String?
    public var branch: String
    public var commit: String
    /// The file whose pin changed.
    public var file: String
    /// Platform services added, removed and upgraded between the two versions, highest risk last.
    public var changes: [ServiceChange]
    public var forced: Bool
    public var reason: String?
    /// The signature check, when the environment needs signed versions.
    public var signature: SignatureVerdict?
}

/// Why a promotion was refused; each names its gate. Nothing was changed.
public enum PromoteError: Error, Sendable, Equatable, CustomStringConvertible {
    case notPinned(environment: String, kind: String)
    case notSemver(String)
    case versionMissing(version: String, repository: String)
    case notRunByPrevious(version: String, digest: String, previous: String, current: String?)
    case lowerThanPin(version: String, current: String, environment: String)
    case forceNeedsReason
    case alreadyPinned(environment: String, version: String)
    case noEarlierPin(environment: String)
    /// A promotion stopped hard (kill -9) between its branch and its commit.
    case interrupted(branch: String, found: [String], paths: [String], base: String)
    /// The promotion's branch exists already; `ownCommits` 0 means nothing was committed on it.
    case branchExists(branch: String, ownCommits: Int)
    case notSigned(
        version: String, digest: String, environment: String, requirement: String, verdict: SignatureVerdict,
        expected: [String])
    case noTrustedKeys(environment: String, requirement: String)

    public var description: String {
        switch self {
        case .interrupted(let branch, let found, let paths, let base):
            // Names come from the repository: the commands are quoted to be pasted as they are.
            let restore =
                paths.isEmpty
                ? "" : "git restore --staged --worktree -- \(paths.map(ShellQuoting.quote).joined(separator: " ")) && "
            return "an earlier promotion stopped before its commit; found: \(found.joined(separator: "; ")).\n"
                + "Remove what it left, then run the promotion again: \(restore)git switch \(ShellQuoting.quote(base)) && git branch -D \(ShellQuoting.quote(branch))"
        case .branchExists(let branch, let ownCommits):
            return ownCommits == 0
                ? "branch \(branch) exists with no commit of its own (an interrupted promotion leaves it so): delete it with git branch -D \(branch), then run again"
                : "branch \(branch) already holds a promotion (\(ownCommits) commit\(ownCommits == 1 ? "" : "s")): review it, or delete it with git branch -D \(branch); or pass --branch NAME"
        case .notPinned(let environment, let kind):
            return
                "\(environment) is \(kind), not pinned: promotion pins an environment to one tag (pin spec.ref.tag first)"
        case .notSemver(let version):
            return "\(version) is not a version (MAJOR.MINOR.PATCH)"
        case .versionMissing(let version, let repository):
            return
                "gate version-exists: \(version) is not published in \(repository); publish it first (lockmaster publish)"
        case .notRunByPrevious(let version, let digest, let previous, let current):
            return
                "gate previous-environment: \(version) (\(digest)) is not what \(previous) runs (\(current ?? "nothing")) and no range \(previous) has tracked admits it; "
                + "promote what \(previous) ran (lockmaster resolve \(previous)), or pass --force --reason TEXT"
        case .lowerThanPin(let version, let current, let environment):
            return
                "gate order: \(version) is lower than \(environment)'s pin \(current); that is a rollback: lockmaster rollback \(environment) --to \(version)"
        case .forceNeedsReason:
            return "--force needs --reason TEXT: the reason is recorded in the commit"
        case .alreadyPinned(let environment, let version):
            return "\(environment) is already pinned to \(version); nothing to do"
        case .notSigned(let version, let digest, let environment, let requirement, let verdict, let expected):
            let found =
                verdict.state == .unsigned
                ? "no signature (nothing under \(verdict.tag))"
                : "no valid signature (\(verdict.problems.joined(separator: "; ")))"
            return
                "gate signature: \(version) (\(digest)) has \(found); \(environment) needs one because \(requirement). "
                + "Expected a signature by \(expected.joined(separator: " or ")). Sign it: lockmaster publish --version \(version) --sign-key FILE "
                + "from the commit it was built from, or cosign sign --key FILE <repository>@\(digest)"
        case .noTrustedKeys(let environment, let requirement):
            return
                "gate signature: \(environment) needs signed versions because \(requirement), but lockmaster.yaml lists no signing.trustedKeys; "
                + "commit the public key (the cosign.pub of the verify Secret) and list its path there"
        case .noEarlierPin(let environment):
            return "\(environment)'s history holds no earlier pin to roll back to; pass --to VERSION"
        }
    }
}

/// Pins an environment to a version behind gates, on a branch, in one commit that says everything.
public struct Promoter: Sendable {
    private let git: any GitClient
    private let access: RegistryAccess

    public init(git: any GitClient = ProcessGitClient(), access: RegistryAccess = RegistryAccess()) {
        self.git = git
        self.access = access
    }

    public func promote(_ request: PromoteRequest) async throws -> PromoteReport {
        try await pin(request, rollback: false)
    }

    /// Pins the previous version (or `to`), with every gate but the order one.
    public func rollback(
        repository: URL, environment: String, to version: String?, branch: PromoteRequest.Branch = .automatic,
        force: Bool = false, reason: String? = nil
    ) async throws -> PromoteReport {
        var target = version
        if target == nil {
            let pins = try await EnvironmentHistory(git: git, access: access).pins(
                repository: repository, environment: environment)
            let current = pins.last?.to
            target = pins.reversed().lazy.map(\.to).first { $0 != current && SemanticVersion.flux($0) != nil }
        }
        guard let target else { throw PromoteError.noEarlierPin(environment: environment) }
        return try await pin(
            PromoteRequest(
                repository: repository, environment: environment, version: target, branch: branch,
                force: force, reason: reason), rollback: true)
    }

    private func pin(_ request: PromoteRequest, rollback: Bool) async throws -> PromoteReport {
        let root = request.repository
        if request.force, (request.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw PromoteError.forceNeedsReason
        }
        let base = try SettingsLoader.load(repositoryRoot: root).branch
        if let branch = Self.branchName(request, rollback: rollback) {
            try await refuseLeftovers(branch: branch, base: base, root: root)
        }
        try await WorkTreeChange(git: git, root: root).requireClean { RepositoryStateError.dirty($0, .promote) }
        guard let version = SemanticVersion.flux(request.version) else { throw PromoteError.notSemver(request.version) }

        let (repository, _) = try await PlatformRepository.load(root: root).resolvingBranch(git: git)
        let settings = repository.settings
        guard let environment = repository.environment(named: request.environment) else {
            throw RepositoryStateError.unknownEnvironment(request.environment, in: repository)
        }
        guard environment.classification.kind == .pinned, case .oci(let source) = environment.source else {
            throw PromoteError.notPinned(environment: environment.name, kind: environment.classification.kind.rawValue)
        }
        // The pin being replaced: on the branch the change starts from (main), unless committing here.
        var current = source.ref?.tag
        if request.branch != .current,
            let data = try? await git.contents(of: source.object.location.path, at: settings.branch, in: root)
        {
            var set = ManifestSet()
            ManifestLoader(root: root).read(data: data, path: source.object.location.path, into: &set)
            current =
                set.objects.first { $0.reference == source.object.reference }.flatMap(OCIRepository.init)?.ref?.tag
        }
        if current == request.version {
            throw PromoteError.alreadyPinned(environment: environment.name, version: request.version)
        }
        guard let target = settings.artifact ?? source.url else { throw ResolveError.noRepository }
        let store = try await access.store(for: target, relativeTo: root, artifact: settings.artifact)

        let input = GateInput(
            tag: request.version, version: version, digest: try await store.manifestDigest(request.version),
            environment: environment,
            source: source, repository: repository, current: current, rollback: rollback, force: request.force,
            store: store)
        var signature: SignatureVerdict?
        for gate in PromotionGates.all(access: access, git: git) {
            if case .signed(let verdict) = try await gate.check(input) { signature = verdict }
        }
        guard let digest = input.digest else {
            throw PromoteError.versionMissing(version: request.version, repository: store.location)
        }

        let fromDigest = try await current.asyncFlatMap { try await store.manifestDigest($0) }
        let toManifest = try await store.manifest(digest).flatMap { OCIManifest.decode($0.data) }
        let changes: [ServiceChange]
        if let current,
            let old = try await ArtifactObjects.load(current, from: store, limit: settings.artifactSizeLimitMiB << 20),
            let new = try await ArtifactObjects.load(
                request.version, from: store, limit: settings.artifactSizeLimitMiB << 20)
        {
            changes = VersionStep.classify(ServiceDiff.compare(old: old, new: new))
        } else {
            changes = []
        }

        // Branch, edit, commit: all of it, or nothing.
        let verb = rollback ? "Roll back" : "Promote"
        var message = "\(verb) \(environment.name) from \(current ?? "nothing") to \(request.version)\n\n"
        message += "from: \(current ?? "-") \(fromDigest ?? "")\n"
        message += "to:   \(request.version) \(digest)\n"
        if let revision = toManifest?.annotations?[FluxArtifact.revisionAnnotation] {
            message += "source revision: \(revision)\n"
        }
        if !changes.isEmpty { message += "\n" + changes.map(ServiceDiff.describe).joined(separator: "\n") + "\n" }
        if let signature { message += "signed by: \(signature.keys.joined(separator: ", "))\n" }
        if request.force, let reason = request.reason { message += "\nForced past the gates: \(reason)\n" }
        let text = message
        let branch =
            Self.branchName(request, rollback: rollback).map { WorkTreeChange.Branch.new($0, from: settings.branch) }
            ?? .current
        let file = source.object.location.path
        let tag = request.version
        let name = environment.name
        let pinDigest = settings.pinDigest
        let branchOfRecord = settings.branch
        let done = try await WorkTreeChange(git: git, root: root).commit(
            on: branch, paths: [file], message: { _ in text }
        ) {
            // The pin as the branch has it (main's, on a new branch).
            let reloaded = try PlatformRepository.load(root: root).environment(named: name)
            guard case .oci(let pinned)? = reloaded?.source else {
                throw PromoteError.notPinned(environment: name, kind: "changed on \(branchOfRecord)")
            }
            let object = pinned.object
            let selector = ObjectSelector(
                kind: "OCIRepository", name: object.name ?? "", namespace: object.effectiveNamespace,
                group: object.group)
            let url = root.appendingPathComponent(object.location.path)
            try ScalarEditor.edit(
                file: url, displayPath: object.location.path, selector: selector, path: ["spec", "ref", "tag"],
                value: tag)
            if pinDigest {
                try ScalarEditor.edit(
                    file: url, displayPath: object.location.path, selector: selector, path: ["spec", "ref", "digest"],
                    value: digest, create: true)
            }
        }
        return PromoteReport(
            environment: environment.name, from: current, to: request.version, fromDigest: fromDigest, toDigest: digest,
            sourceRevision: toManifest?.annotations?[FluxArtifact.revisionAnnotation], branch: done.branch,
            commit: done.commit,
            file: file, changes: changes, forced: request.force, reason: request.force ? request.reason : nil,
            signature: signature)
    }

    /// The branch a promotion commits on, nil when it commits on the current one.
    static func branchName(_ request: PromoteRequest, rollback: Bool) -> String? {
        switch request.branch {
        case .automatic: "\(rollback ? "rollback" : "promote")/\(request.environment)-\(request.version)"
        case .named(let name): name
        case .current: nil
        }
    }

    /// A promotion's branch already there: left by a run stopped between branch and commit (checked
    /// out, nothing committed, maybe the pin file edited), or an earlier promotion. Each says what to do.
    private func refuseLeftovers(branch: String, base: String, root: URL) async throws {
        guard try await git.resolve("refs/heads/" + branch, in: root) != nil else { return }
        let own = try await git.aheadBehind(branch, base, in: root).onlyA
        guard own == 0, try await git.currentBranch(in: root) == branch else {
            throw PromoteError.branchExists(branch: branch, ownCommits: own)
        }
        let paths = try await git.status(in: root).map(\.path)
        var found = ["branch \(branch), checked out, with no promotion commit"]
        if !paths.isEmpty { found.append("uncommitted \(paths.joined(separator: ", "))") }
        throw PromoteError.interrupted(branch: branch, found: found, paths: paths, base: base)
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
