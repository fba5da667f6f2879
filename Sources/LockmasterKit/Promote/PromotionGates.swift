import Artifacts
import Foundation
import GitKit
import Manifests
import Platform
import Support

/// Gate version-exists: the version is published in the artifact repository; returns its digest.
enum VersionExistsGate {
    static func check(_ tag: String, in store: any ArtifactStore) async throws -> String {
        guard let digest = try await store.manifestDigest(tag) else { throw PromoteError.versionMissing(version: tag, repository: store.location) }
        return digest
    }
}

/// Gate previous-environment: the environment before this one in the promotion order runs the version
/// now, or some semver range it tracked in git history admits it (it could have run it).
struct PreviousEnvironmentGate {
    let access: RegistryAccess
    let git: any GitClient

    func check(_ tag: String, _ version: SemanticVersion, digest: String, promoting environment: PlatformEnvironment,
               in repository: PlatformRepository) async throws {
        let order = repository.settings.environments
        guard let index = order.firstIndex(of: environment.name), index > 0, let previous = repository.environment(named: order[index - 1]) else { return }
        let resolved = try? await EnvironmentResolver(access: access).run(ResolveRequest(repository: repository.root, environment: previous.name))
        guard resolved?.digest != digest else { return }
        guard try await !historicallyAdmits(previous, version: version, root: repository.root) else { return }
        throw PromoteError.notRunByPrevious(version: tag, digest: digest, previous: previous.name, current: resolved?.tag)
    }

    private func historicallyAdmits(_ environment: PlatformEnvironment, version: SemanticVersion, root: URL) async throws -> Bool {
        guard let source = environment.source?.object else { return false }
        for entry in try await git.log(of: source.location.path, in: root) {
            var set = ManifestSet()
            ManifestLoader(root: root).read(data: try await git.contents(of: source.location.path, at: entry.commit, in: root),
                                            path: source.location.path, into: &set)
            for object in set.objects where object.reference == source.reference {
                if let range = OCIRepository(object)?.ref?.semver, let parsed = try? SemverRange(range), parsed.contains(version) { return true }
            }
        }
        return false
    }
}

/// Gate order: a promotion does not go below the current pin; that is a rollback, its own command.
enum OrderGate {
    static func check(_ tag: String, _ version: SemanticVersion, over current: String?, environment: String) throws {
        guard let current, let pinned = SemanticVersion.flux(current), version.compare(to: pinned) < 0 else { return }
        throw PromoteError.lowerThanPin(version: tag, current: current, environment: environment)
    }
}
