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
        guard FileManager.default.fileExists(atPath: clusters.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return PlatformRepository(root: root, settings: settings, environments: [], diagnostics: [], skipped: [], hasClustersDirectory: false)
        }
        let set = loader.load(under: settings.clustersDir)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: clusters.path)) ?? []).filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: clusters.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        let environments = names.map { name in
            let directory = PathNormalizer.normalize("\(settings.clustersDir)/\(name)")
            let objects = set.objects.filter { $0.location.path.hasPrefix(directory + "/") }
            return EnvironmentReader(settings: settings).read(name: name, directory: directory, objects: objects)
        }
        var repository = PlatformRepository(
            root: root,
            settings: settings,
            environments: Self.ordered(environments, by: settings.environments),
            diagnostics: set.diagnostics,
            skipped: set.skipped,
            hasClustersDirectory: true
        )
        repository.symlinks = set.symlinks
        return repository
    }

    /// Environments in promotion order first, then the others (sandboxes) by name.
    static func ordered(_ environments: [PlatformEnvironment], by order: [String]) -> [PlatformEnvironment] {
        environments.sorted { a, b in
            let ia = order.firstIndex(of: a.name) ?? Int.max, ib = order.firstIndex(of: b.name) ?? Int.max
            return ia != ib ? ia < ib : a.name < b.name
        }
    }

    /// The environment called `name`, if any.
    public func environment(named name: String) -> PlatformEnvironment? {
        environments.first { $0.name == name }
    }
}
