public import Foundation
public import GitKit
import Manifests
import Platform
import Support

/// What `lockmaster init --adopt` is asked to do.
public struct AdoptRequest: Sendable {
    public var directory: URL
    /// Written as `artifact:` when given.
    public var artifact: String?

    public init(directory: URL, artifact: String? = nil) {
        self.directory = directory
        self.artifact = artifact
    }
}

/// What `init --adopt` found and wrote (`-o json`).
public struct AdoptReport: Sendable, Codable, Equatable {
    public struct Environment: Sendable, Codable, Equatable {
        public var name: String
        public var directory: String
        /// `tracks-branch`, `tracks-range`, `pinned` or `unknown`.
        public var kind: String
        public var ref: String?
        /// `development`, `staging` or `production` in the promotion order, when it has one.
        public var role: String?
        /// What syncs it: bootstrap's gotk-sync.yaml, or a Flux Operator instance, with where it is.
        public var syncedBy: String
    }

    /// The settings file written.
    public var file: String
    public var clustersDir: String
    public var platformPaths: [String]
    public var branch: String
    public var branchSource: String
    public var environments: [Environment]
    /// How each value was found, as written in the file's comments.
    public var reasons: [String]
}

/// Why `init --adopt` wrote nothing.
public enum AdoptError: Error, Sendable, Equatable, CustomStringConvertible {
    case settingsExist(String)
    case noFluxEntry(String)

    public var description: String {
        switch self {
        case .settingsExist(let path):
            return
                "\(path) exists; init --adopt writes only a new one (edit it, or move it aside and run init --adopt again)"
        case .noFluxEntry(let directory):
            return
                "no Flux entry found in \(directory): no flux-system/gotk-sync.yaml, no FluxInstance and no flux-instance chart with spec.sync; "
                + "where Flux reads this repository through an entry applied by hand, or one flux bootstrap has not written yet, "
                + "write lockmaster.yaml yourself (clustersDir, platformPaths, environments; see docs/lockmaster-yaml.md); "
                + "for a new platform repository, run 'lockmaster init'"
        }
    }
}

/// Adopts an estate Flux already runs: finds each cluster's entry (bootstrap's sync file, a FluxInstance,
/// the flux-instance chart's values), the clusters directory above them, the platform paths their
/// Kustomizations point at, the branch of record and each environment's role, and writes only
/// `lockmaster.yaml`, with comments saying what was found and why. Nothing else is touched.
public struct EstateAdopter: Sendable {
    private let git: any GitClient

    public init(git: any GitClient = ProcessGitClient()) {
        self.git = git
    }

    /// A cluster's entry directory and what syncs it.
    struct Entry: Equatable {
        var directory: String
        var syncedBy: String
    }

    public func run(_ request: AdoptRequest) async throws -> AdoptReport {
        let root = request.directory.standardizedFileURL
        let file = root.appendingPathComponent(LockmasterSettings.fileName)
        guard !FileManager.default.fileExists(atPath: file.path) else { throw AdoptError.settingsExist(file.path) }
        let entries = Self.entries(root: root)
        guard !entries.isEmpty else { throw AdoptError.noFluxEntry(root.path) }
        var reasons: [String] = []

        let (clustersDir, synced, outside) = Self.clustersDirectory(of: entries.map(\.directory))
        let kept = entries.filter { !outside.contains($0.directory) }
        reasons.append(
            "clustersDir: the directory above each cluster's entry: "
                + kept.map { "\($0.directory) (synced by \($0.syncedBy))" }.joined(separator: "; ")
                + (outside.isEmpty ? "" : "; not under it, so not managed: " + outside.joined(separator: ", ")))
        var settings = LockmasterSettings()
        settings.clustersDir = clustersDir
        settings.artifact = request.artifact
        // Beside the synced ones, a directory there with Flux Kustomizations is an environment too (one
        // not bootstrapped yet).
        let directories = Set(
            synced + PlatformRepository.load(root: root, settings: settings).environments.map(\.directory)
        ).sorted()

        let paths = Self.platformPaths(of: directories, clustersDir: clustersDir, root: root)
        settings.platformPaths = paths.keys.sorted()
        if settings.platformPaths.isEmpty {
            settings.platformPaths = LockmasterSettings().platformPaths
            reasons.append(
                "platformPaths: no Flux Kustomization of an entry points at a directory of this repository (they read generated or other artifacts); the default is kept"
            )
        } else {
            reasons.append(
                "platformPaths: where the entries' Flux Kustomizations point: "
                    + paths.keys.sorted().map {
                        "\($0) (\(Array(Set(paths[$0]!)).sorted().prefix(3).joined(separator: ", ")))"
                    }.joined(separator: "; "))
        }

        let branch = await BaseBranch.resolve(root: root, settings: settings, git: git)
        settings.branch = branch.name
        reasons.append("branch: \(branch.name), from \(branch.source)")

        // Roles by what each environment follows: the branch of record, a range, a pin.
        let repository = PlatformRepository.load(root: root, settings: settings)
        let adopted = repository.environments
        let order = Self.promotionOrder(adopted, branch: branch.name)
        settings.environments = order
        reasons.append(
            order.isEmpty
                ? "environments: none tracks \(branch.name), so no promotion order is set; list development, staging and production once they exist"
                : "environments, in promotion order (tracks \(branch.name), tracks a range, pinned): "
                    + order.joined(separator: ", "))
        // The guide's model rules for roles this estate does not have are turned off, each saying why.
        for (role, rule, follows) in [
            (1, CheckRule.stagingPatchRange, "tracks a semver range after \(order.first ?? "the branch of record")"),
            (2, CheckRule.productionPinned, "is pinned after one that tracks a range"),
        ] where order.count <= role {
            settings.check.rules[rule.rawValue] = "off"
            reasons.append(
                "check.rules.\(rule.rawValue): off, since no environment \(follows); remove this line when one does")
        }
        // Sandboxes are copies of the environment that tracks the branch of record.
        if let first = order.first, first != LockmasterSettings.Sandbox().from,
            adopted.first(where: { $0.name == first })?.classification.kind == .tracksBranch
        {
            settings.sandbox.from = first
            reasons.append("sandbox.from: \(first) tracks \(branch.name), so a sandbox is a copy of it")
        }

        let environments = adopted.map { environment in
            AdoptReport.Environment(
                name: environment.name, directory: environment.directory,
                kind: environment.classification.kind.rawValue,
                ref: environment.classification.ref,
                role: order.firstIndex(of: environment.name).map { ["development", "staging", "production"][$0] },
                syncedBy: entries.first {
                    $0.directory == environment.entryPath || $0.directory.hasPrefix(environment.directory + "/")
                        || $0.directory == environment.directory
                }?.syncedBy ?? "-")
        }
        let text = Self.settingsText(settings, reasons: reasons)
        // What is written must be settings Lockmaster reads.
        _ = try SettingsLoader.parse(text, path: LockmasterSettings.fileName)
        try AtomicFile.write(Data(text.utf8), to: file)
        return AdoptReport(
            file: LockmasterSettings.fileName, clustersDir: clustersDir.isEmpty ? "." : clustersDir,
            platformPaths: settings.platformPaths,
            branch: branch.name, branchSource: branch.source, environments: environments, reasons: reasons)
    }

    /// Platform paths: the top-level directories of this repository that the environments' Flux
    /// Kustomizations (and their components) point at, each with a few of the Kustomizations that do.
    /// An ExternalArtifact's paths are not directories here, but the folders its ArtifactGenerator copies
    /// are; another repository's paths are not; paths inside the clusters directory are the environments'
    /// own (unless it is the root).
    static func platformPaths(of directories: [String], clustersDir: String, root: URL) -> [String: [String]] {
        let loader = ManifestLoader(root: root)
        var paths: [String: [String]] = [:]
        for directory in directories {
            let objects = loader.load(under: directory).objects
            let generators = objects.compactMap(ArtifactGenerator.init)
            for kustomization in objects.compactMap(FluxKustomization.init) {
                guard let reference = kustomization.sourceRef else { continue }
                let named = "\(kustomization.object.effectiveNamespace)/\(kustomization.object.name ?? "")"
                let targets: [String]
                if reference.kind == "ExternalArtifact" {
                    // The folders of this repository its ArtifactGenerator copies into the artifact.
                    let generator = generators.first { $0.artifacts.contains(reference) }
                    targets = (generator?.gitCopies(into: reference) ?? []).map(\.folder).filter {
                        !$0.isEmpty && isDirectory(root.appendingPathComponent($0))
                    }
                } else {
                    let path = kustomization.normalizedPath
                    guard !path.isEmpty, isDirectory(root.appendingPathComponent(path)) else { continue }
                    targets =
                        [path]
                        + (kustomization.object.root.node(at: ["spec", "components"])?.items ?? []).compactMap(
                            \.string
                        ).map { PathNormalizer.normalize(path + "/" + $0) }
                }
                for target in targets {
                    // A folder beside the environments in the clusters directory (`kubernetes/apps` beside
                    // `kubernetes/flux`) is a platform path of its own; an environment's folder is not.
                    let top: String
                    if !clustersDir.isEmpty, target.hasPrefix(clustersDir + "/") {
                        guard let first = target.dropFirst(clustersDir.count + 1).split(separator: "/").first
                        else { continue }
                        top = "\(clustersDir)/\(first)"
                        guard !directories.contains(top) else { continue }
                    } else {
                        guard let first = target.split(separator: "/").first else { continue }
                        top = String(first)
                    }
                    paths[top, default: []].append("\(named) → ./\(target)")
                }
            }
        }
        return paths
    }

    /// The promotion order: the environment tracking the branch of record, then one tracking a range,
    /// then a pinned one; it stops at the first role no environment fills.
    static func promotionOrder(_ environments: [PlatformEnvironment], branch: String) -> [String] {
        let roles: [(PlatformEnvironment) -> Bool] = [
            { $0.classification.kind == .tracksBranch && $0.classification.ref == branch },
            { $0.classification.kind == .tracksRange },
            { $0.classification.kind == .pinned },
        ]
        var order: [String] = []
        // A cluster that applies nothing of the platform (only its own Flux) takes no role.
        let platform = environments.filter { !$0.platformKustomizations.isEmpty || $0.instance != nil }
        for role in roles {
            guard let environment = platform.first(where: role) else { break }
            order.append(environment.name)
        }
        return order
    }

    /// Every cluster entry in the repository: directories holding bootstrap's `flux-system/gotk-sync.yaml`
    /// (written or a placeholder), and the sync paths of Flux Operator instances.
    static func entries(root: URL) -> [Entry] {
        let set = ManifestLoader(root: root).load(under: "", containing: ["FluxInstance", "instance:", "valuesFrom"])
        var found: [Entry] = []
        var syncFiles: [String] = []
        if let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
            for case let url as URL in walk {
                if url.lastPathComponent == ".git" {
                    walk.skipDescendants()
                    continue
                }
                let path = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
                if path.hasSuffix("flux-system/gotk-sync.yaml") { syncFiles.append(path) }
            }
        }
        for path in syncFiles.sorted()
        where path.hasSuffix("/flux-system/gotk-sync.yaml") || path == "flux-system/gotk-sync.yaml" {
            let directory = PathNormalizer.normalize(String(path.dropLast("/flux-system/gotk-sync.yaml".count)))
            found.append(Entry(directory: directory, syncedBy: "flux bootstrap, \(path)"))
        }
        let instances =
            set.objects.compactMap(FluxInstance.init) + GeneratedInstanceValues.instances(in: set.objects, root: root)
        for instance in instances {
            guard let sync = instance.sync, sync.kind == "GitRepository" || sync.kind == "OCIRepository",
                !found.contains(where: { $0.directory == sync.normalizedPath })
            else { continue }
            found.append(
                Entry(directory: sync.normalizedPath, syncedBy: "\(instance.displayName), \(instance.object.location)"))
        }
        if found.isEmpty { found = preBootstrapEntries(root: root) }
        return found.sorted { $0.directory < $1.directory }
    }

    /// Before bootstrap: the directories whose Flux Kustomizations use the GitRepository flux bootstrap
    /// writes (`flux-system/flux-system`), leaving out those another Kustomization's path applies (an
    /// app's own Kustomization). `flux bootstrap --path=DIR` will make each an entry.
    static func preBootstrapEntries(root: URL) -> [Entry] {
        let kustomizations = ManifestLoader(root: root).load(under: "", containing: [FluxAPI.kustomizeGroup]).objects
            .compactMap(FluxKustomization.init)
        let applied = Set(kustomizations.map(\.normalizedPath))
        var directories: Set<String> = []
        for kustomization in kustomizations where kustomization.sourceRef == FluxAPI.bootstrapSource {
            let directory = (kustomization.object.location.path as NSString).deletingLastPathComponent
            let appliedByAnother = applied.contains { path in
                path.isEmpty || directory == path || directory.hasPrefix(path + "/")
            }
            if !appliedByAnother { directories.insert(directory) }
        }
        return directories.sorted().map {
            Entry(
                directory: $0,
                syncedBy:
                    "nothing yet: flux bootstrap --path=\($0) will write \(FluxAPI.bootstrapSource), which its Kustomizations use"
            )
        }
    }

    /// The clusters directory and the environment directories under it, and the entries it leaves out.
    /// An entry's environment is its own directory (`clusters/staging`) or, where entries of one name sit
    /// in different directories (`kubernetes/main/flux`, `kubernetes/utility/flux`), its parent. The
    /// clusters directory is the one that holds the most environments; a tie keeps the entries' parent.
    static func clustersDirectory(of entries: [String]) -> (String, [String], [String]) {
        func parent(_ path: String) -> String { path.split(separator: "/").dropLast().joined(separator: "/") }
        var candidates: [(clusters: String, environments: Set<String>, order: Int)] = []
        func add(_ clusters: String, _ environment: String, order: Int) {
            if let index = candidates.firstIndex(where: { $0.clusters == clusters }) {
                candidates[index].environments.insert(environment)
            } else {
                candidates.append((clusters, [environment], order))
            }
        }
        for entry in entries { add(parent(entry), entry, order: 0) }
        for entry in entries where !parent(entry).isEmpty { add(parent(parent(entry)), parent(entry), order: 1) }
        let best = candidates.max { a, b in
            a.environments.count != b.environments.count
                ? a.environments.count < b.environments.count : a.order > b.order
        }!
        let covered = entries.filter { best.environments.contains($0) || best.environments.contains(parent($0)) }
        return (best.clusters, best.environments.sorted(), entries.filter { !covered.contains($0) })
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// lockmaster.yaml with a comment before each key saying how it was found.
    static func settingsText(_ settings: LockmasterSettings, reasons: [String]) -> String {
        func comment(_ text: String) -> String {
            "# " + Inert.line(text).replacingOccurrences(of: "\n", with: " ") + "\n"
        }
        func list(_ values: [String]) -> String { "[" + values.map(YAMLNode.jsonString).joined(separator: ", ") + "]" }
        let reason = { (key: String) in reasons.first { $0.hasPrefix(key) }.map(comment) ?? "" }
        var text = "# Written by lockmaster init --adopt from what this repository's Flux entries declare.\n"
        text +=
            reason("clustersDir")
            + "clustersDir: \(YAMLNode.jsonString(settings.clustersDir.isEmpty ? "." : settings.clustersDir))\n"
        text += reason("platformPaths") + "platformPaths: \(list(settings.platformPaths))\n"
        text += reason("branch") + "branch: \(YAMLNode.jsonString(settings.branch))\n"
        text += reason("environments") + "environments: \(list(settings.environments))\n"
        if settings.sandbox.from != LockmasterSettings.Sandbox().from {
            text += reason("sandbox.from") + "sandbox:\n  from: \(YAMLNode.jsonString(settings.sandbox.from))\n"
        }
        if let artifact = settings.artifact { text += "artifact: \(YAMLNode.jsonString(artifact))\n" }
        if !settings.check.rules.isEmpty {
            text += "check:\n  rules:\n"
            for (rule, severity) in settings.check.rules.sorted(by: { $0.key < $1.key }) {
                text += "    " + reason("check.rules.\(rule)") + "    \(rule): \(YAMLNode.jsonString(severity))\n"
            }
        }
        return text
    }
}
