public import Foundation
public import Manifests
public import Support

/// The platform repository as Lockmaster sees it: settings, environments and what was read.
public struct PlatformRepository: Sendable {
    public var root: URL
    public var settings: LockmasterSettings
    public var environments: [PlatformEnvironment]
    /// Problems found while reading (invalid YAML, unreadable files), never fatal.
    public var diagnostics: [Diagnostic]
    public var skipped: [SkippedDocument]
    /// Symlinks under the clusters directory, not followed (Flux's artifact holds none).
    public var symlinks: [String] = []
    /// Directories under the clusters directory that are not environments: nothing syncs them and
    /// they hold no Flux Kustomization, or another environment's Kustomization applies them.
    public var notEnvironments: [String] = []
    /// False when the clusters directory does not exist.
    public var hasClustersDirectory: Bool

    /// Reads the repository at `root`.
    /// - Throws: `SettingsError` when `lockmaster.yaml` is invalid.
    public static func load(root: URL) throws(SettingsError) -> PlatformRepository {
        let settings = try SettingsLoader.load(repositoryRoot: root)
        return load(root: root, settings: settings)
    }

    /// Reads the repository at `root` with the given settings.
    public static func load(root: URL, settings: LockmasterSettings) -> PlatformRepository {
        let loader = ManifestLoader(root: root)
        let clusters = root.appendingPathComponent(settings.clustersDir)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: clusters.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            return PlatformRepository(
                root: root, settings: settings, environments: [], diagnostics: [], skipped: [],
                hasClustersDirectory: false)
        }
        var set = loader.load(under: settings.clustersDir)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: clusters.path)) ?? []).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(
                    atPath: clusters.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        // Namespaces as Flux applies them: status and adopt list these objects by `namespace/name`.
        set.objects = AppliedNamespaces.apply(to: set.objects, roots: names.map(settings.environmentDirectory))
        let instances = Self.instances(root: root, settings: settings, clusters: set.objects)
        let environments = names.map { name in
            let directory = settings.environmentDirectory(name)
            let objects = set.objects.filter { $0.location.path.hasPrefix(directory + "/") }
            return EnvironmentReader(settings: settings).read(
                name: name, directory: directory, objects: objects, instances: instances)
        }
        // A directory that nothing syncs and that holds no Flux Kustomization (shared variables, a list
        // of repositories beside the cluster's entry) is not an environment, unless settings name it;
        // nor is one without an entry of its own that another environment's Kustomization applies
        // (its apps, where the clusters directory is the repository root), even if it holds the
        // FluxInstance that syncs the other.
        func appliedByAnother(_ environment: PlatformEnvironment) -> Bool {
            guard environment.entry == nil,
                environment.instance?.sync.map({
                    $0.normalizedPath == environment.directory
                        || $0.normalizedPath.hasPrefix(environment.directory + "/")
                }) != true
            else { return false }
            return environments.contains { other in
                other.directory != environment.directory
                    && other.objects.compactMap(FluxKustomization.init).contains { kustomization in
                        let path = kustomization.normalizedPath
                        return !path.isEmpty
                            && (environment.directory == path || environment.directory.hasPrefix(path + "/"))
                    }
            }
        }
        let (kept, others) = environments.reduce(into: ([PlatformEnvironment](), [String]())) { result, environment in
            if settings.environments.contains(environment.name)
                || ((environment.entry != nil || environment.instance != nil
                    || !environment.objects.compactMap(FluxKustomization.init).isEmpty)
                    && !appliedByAnother(environment))
            {
                result.0.append(environment)
            } else {
                result.1.append(environment.directory)
            }
        }
        var repository = PlatformRepository(
            root: root,
            settings: settings,
            environments: Self.ordered(kept, by: settings.environments),
            diagnostics: set.diagnostics,
            skipped: set.skipped,
            hasClustersDirectory: true
        )
        repository.symlinks = set.symlinks
        repository.notEnvironments = others.sorted()
        return repository
    }

    /// Every Flux Operator instance with a sync: in the clusters directory, and under the platform paths
    /// (where home-ops repositories install the flux-instance chart among their apps).
    static func instances(root: URL, settings: LockmasterSettings, clusters: [KubernetesObject]) -> [FluxInstance] {
        let loader = ManifestLoader(root: root)
        var objects = clusters
        var seen = Set(clusters.map(\.location))
        for path in settings.platformPaths
        where FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) {
            for object in loader.load(under: path, containing: ["FluxInstance", "instance:", "valuesFrom"]).objects
            where seen.insert(object.location).inserted {
                objects.append(object)
            }
        }
        return (objects.compactMap(FluxInstance.init) + GeneratedInstanceValues.instances(in: objects, root: root))
            .filter { $0.sync != nil }
    }

    /// Environments in promotion order first, then the others (sandboxes) by name.
    static func ordered(_ environments: [PlatformEnvironment], by order: [String]) -> [PlatformEnvironment] {
        environments.sorted { a, b in
            let ia = order.firstIndex(of: a.name) ?? Int.max
            let ib = order.firstIndex(of: b.name) ?? Int.max
            return ia != ib ? ia < ib : a.name < b.name
        }
    }

    /// The environment called `name`, if any.
    public func environment(named name: String) -> PlatformEnvironment? {
        environments.first { $0.name == name }
    }
}
