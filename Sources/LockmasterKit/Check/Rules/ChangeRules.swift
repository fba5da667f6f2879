import Manifests
import Platform
import Support

/// What the change under review adds or modifies under the clusters directory, with what the rules
/// about the change need to judge it.
struct ChangeContext {
    var changes: [(status: Character, path: String)]
    var repository: PlatformRepository
    /// The branch the change merges into, when known (`--target`, or the CI's).
    var target: String?
    /// The branch checked out.
    var current: String?
    /// The commit compared with.
    var base: String
    /// Environments the change deletes: a directory of the clusters directory whose files are all gone,
    /// with a Flux object that one of them declared at the base (`Kustomization/flux-system/flux-system`).
    var removedEnvironments: [RemovedEnvironment] = []

    struct RemovedEnvironment {
        var name: String
        var directory: String
        /// The first Flux object the deleted files declared, and where.
        var object: String
        var location: SourceLocation
    }

    /// Each change under an environment directory: the environment's name and the path's parts below it.
    func underEnvironments() -> [(status: Character, path: String, environment: String, rest: [String])] {
        let settings = repository.settings
        let depth = settings.clustersDepth
        return changes.compactMap { change in
            let parts = change.path.split(separator: "/").map(String.init)
            guard change.status != "D", parts.count > depth,
                parts.prefix(depth).joined(separator: "/") == settings.clustersDir
            else { return nil }
            return (change.status, change.path, parts[depth], Array(parts.dropFirst(depth + 1)))
        }
    }

    /// A sandbox on its own branch (the branch its directory tracks), with no target named: its directory
    /// and sync file belong there until the pull request to the branch of record.
    func isOwnBranch(of environment: String) -> Bool {
        let home = repository.environment(named: environment).flatMap {
            $0.classification.kind == .tracksBranch ? $0.classification.ref : nil
        }
        return environment.hasPrefix("sandbox-") && target == nil && current != nil && current == home
    }
}
