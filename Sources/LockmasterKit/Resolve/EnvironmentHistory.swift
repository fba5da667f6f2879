import Artifacts
public import Foundation
public import GitKit
import Manifests
public import Platform
import Support

/// One change of an environment's ref in git history, joined with the artifact where it still exists.
public struct PinChange: Sendable, Codable, Equatable {
    public var environment: String
    public var commit: String
    public var author: String
    public var date: String
    /// `tag`, `semver`, `digest`, `branch` …
    public var field: RefField
    public var from: String?
    public var to: String
    /// For a tag: its manifest digest and source revision now, if the repository still has them.
    public var digest: String?
    public var sourceRevision: String?
    /// Why the artifact could not be looked up, if it could not.
    public var note: String?
}

/// What ran where and when: the sequence of pins and ranges in git history.
public struct EnvironmentHistory: Sendable {
    private let git: any GitClient
    private let access: RegistryAccess

    public init(git: any GitClient = ProcessGitClient(), access: RegistryAccess = RegistryAccess()) {
        self.git = git
        self.access = access
    }

    /// Changes of every environment (or one), oldest first, with registry details for tags.
    public func run(repository root: URL, environment name: String? = nil) async throws -> [PinChange] {
        let repository = try PlatformRepository.load(root: root)
        let environments =
            try name.map { name -> [PlatformEnvironment] in
                guard let environment = repository.environment(named: name) else {
                    throw RepositoryStateError.unknownEnvironment(name, in: repository)
                }
                return [environment]
            } ?? repository.environments
        var all: [PinChange] = []
        for environment in environments {
            var changes = try await pins(repository: root, environment: environment.name, loaded: repository)
            if case .oci(let source)? = environment.source, let target = repository.settings.artifact ?? source.url {
                do {
                    let store = try await access.store(
                        for: target, relativeTo: root, artifact: repository.settings.artifact)
                    for index in changes.indices where changes[index].field == .tag {
                        if let manifest = try await store.manifest(changes[index].to) {
                            changes[index].digest = manifest.digest
                            changes[index].sourceRevision =
                                OCIManifest.decode(manifest.data)?.annotations?[FluxArtifact.revisionAnnotation]
                        } else {
                            changes[index].note = "no longer in \(store.location)"
                        }
                    }
                } catch {
                    for index in changes.indices { changes[index].note = "artifact repository unavailable: \(error)" }
                }
            }
            all += changes
        }
        return all
    }

    /// The ref changes of one environment's platform source, oldest first (git only).
    func pins(repository root: URL, environment name: String, loaded: PlatformRepository? = nil) async throws
        -> [PinChange]
    {
        let repository = try loaded ?? PlatformRepository.load(root: root)
        guard let environment = repository.environment(named: name), let source = environment.source?.object else {
            return []
        }
        var changes: [PinChange] = []
        var previous: (field: RefField, value: String)?
        for entry in try await git.log(of: source.location.path, in: root) {
            var set = ManifestSet()
            ManifestLoader(root: root).read(
                data: try await git.contents(of: source.location.path, at: entry.commit, in: root),
                path: source.location.path, into: &set)
            guard let object = set.objects.first(where: { $0.reference == source.reference }) else { continue }
            let classification =
                GitRepository(object).map(EnvironmentClassifier.classify)
                ?? OCIRepository(object).map(EnvironmentClassifier.classify)
            guard let classification, let field = classification.refField, let value = classification.ref else {
                continue
            }
            guard previous?.field != field || previous?.value != value else { continue }
            changes.append(
                PinChange(
                    environment: name, commit: entry.commit, author: entry.author, date: Timestamp.rfc3339(entry.time),
                    field: field, from: previous?.value, to: value))
            previous = (field, value)
        }
        return changes
    }
}
