public import Manifests
import Support

/// One directory under the clusters directory, read and classified.
public struct PlatformEnvironment: Sendable {
    public var name: String
    /// The environment's directory, relative to the repository root.
    public var directory: String
    /// The `flux-system` Kustomization written by `flux bootstrap`, if present.
    public var entry: FluxKustomization?
    /// The Flux Operator `FluxInstance` whose `spec.sync` syncs this environment, instead of bootstrap.
    public var instance: FluxInstance?
    /// The Flux Kustomizations in this environment whose path is under a platform path.
    public var platformKustomizations: [FluxKustomization]
    /// The source those Kustomizations reference, when they agree on one that exists.
    public var source: PlatformSource?
    public var classification: Classification
    /// Every object read from the environment's directory.
    public var objects: [KubernetesObject]
}

extension PlatformEnvironment {
    /// The path Flux builds first: a Flux Operator sync's path when it lies in this directory (home-ops
    /// repositories keep bootstrap charts beside it), else the directory itself.
    public var entryPath: String {
        if let path = instance?.sync?.normalizedPath, path.hasPrefix(directory + "/") { return path }
        return directory
    }

    /// Reads one environment from its objects (read from the work tree or from a git revision).
    public static func read(name: String, directory: String, objects: [KubernetesObject], settings: LockmasterSettings)
        -> PlatformEnvironment
    {
        EnvironmentReader(settings: settings).read(name: name, directory: directory, objects: objects)
    }
}

/// The Flux source object an environment's platform Kustomizations pull from.
public enum PlatformSource: Sendable {
    case git(GitRepository)
    case oci(OCIRepository)

    public init?(_ object: KubernetesObject) {
        guard let source = GitRepository(object).map(Self.git) ?? OCIRepository(object).map(Self.oci) else {
            return nil
        }
        self = source
    }

    public var object: KubernetesObject {
        switch self {
        case .git(let source): source.object
        case .oci(let source): source.object
        }
    }

    public var url: String? {
        switch self {
        case .git(let source): source.url
        case .oci(let source): source.url
        }
    }
}
