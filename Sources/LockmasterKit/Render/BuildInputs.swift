import Foundation
import Manifests
import Support

/// Every file one kustomize build reads, found before kustomize runs, and every reference that
/// kustomize-controller's secure build would refuse (FLUX.md §5.6): a path outside the source root
/// (absolute, `../` that climbs out, a symlink that points out), a symlink at all (Flux's artifact
/// holds none), or a remote resource.
struct BuildInputs: Sendable {
    /// Regular files read, relative to the source root, sorted.
    var files: [String] = []
    /// Whether a kustomization used a key this scanner does not know: the files above may be incomplete.
    var incomplete = false
    /// Whether the build fetches remote resources (allowed with `--allow-remote`).
    var remote = false
    var violations: [BuildViolation] = []
}

/// A reference a confined build refuses. `file` is the kustomization (or plugin configuration) that
/// makes it, relative to the source root.
enum BuildViolation: Sendable, Equatable, CustomStringConvertible {
    case outsideRoot(file: String, field: String, reference: String)
    case symlink(file: String, field: String, reference: String)
    case remote(file: String, field: String, url: String)

    /// An http(s) URL of one manifest, which kustomize fetches as a file (not a repository to clone).
    static func isRemoteFile(_ url: String) -> Bool {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return false }
        let path = url.split(separator: "?").first.map(String.init) ?? url
        return [".yaml", ".yml", ".json"].contains { path.hasSuffix($0) } && !path.dropFirst("https://".count).contains("//")
    }

    var description: String {
        switch self {
        case let .outsideRoot(file, field, reference):
            return "\(file): \(field) \"\(reference)\" is outside the source root; kustomize-controller's secure build reads only inside it"
        case let .symlink(file, field, reference):
            return "\(file): \(field) \"\(reference)\" is a symlink; Flux's artifact leaves symlinks out, so the cluster's build cannot read it"
        case let .remote(file, field, url):
            // FLUX.md §5.6: --no-remote-bases blocks remote bases, not a single remote file.
            let flux = Self.isRemoteFile(url) ? "Flux fetches a single remote file even with --no-remote-bases" : "Flux fetches a remote base only where --no-remote-bases is off"
            return "\(file): \(field) \"\(url)\" is a remote resource; it is not fetched (\(flux)); render and diff fetch it with --allow-remote"
        }
    }
}

/// Walks a build the way kustomize reads it: the kustomization at a path (or Flux's generated one),
/// its resources, components, patches, generator files and plugin configurations.
struct BuildInputScanner {
    /// The source root, symlinks resolved.
    let root: URL
    let allowRemote: Bool

    init(root: URL, allowRemote: Bool = false) {
        self.root = root.resolvingSymlinksInPath().standardizedFileURL
        self.allowRemote = allowRemote
    }

    /// What building `path` (relative to the root) with the Flux `spec` reads.
    func scan(path: String, spec: YAMLNode? = nil) -> BuildInputs {
        var state = BuildInputs()
        var files = Set<String>()
        var visited = Set<String>()
        let entry = path.isEmpty ? "." : path
        if let directory = confined(entry, from: root, file: "spec.path", field: "path", state: &state) {
            visit(directory, state: &state, files: &files, visited: &visited)
            for component in spec?["components"]?.items?.compactMap(\.string) ?? [] {
                reference(component, from: directory, file: "Flux Kustomization", field: "spec.components", state: &state, files: &files, visited: &visited)
            }
        }
        state.files = files.sorted()
        return state
    }

    /// The keys of a kustomization that kustomize v5 reads; another one may name files this scanner misses.
    private static let knownKeys: Set<String> = [
        "apiVersion", "kind", "metadata", "namespace", "namePrefix", "nameSuffix", "commonLabels", "labels", "commonAnnotations",
        "images", "replicas", "vars", "buildMetadata", "generatorOptions", "sortOptions", "patchesJson6902", "patches", "replacements",
        "openapi", "helmCharts", "helmGlobals", "configMapGenerator", "secretGenerator", "resources", "bases", "components", "crds",
        "configurations", "patchesStrategicMerge", "generators", "transformers", "validators", "nameReference",
    ]

    private func visit(_ directory: URL, state: inout BuildInputs, files: inout Set<String>, visited: inout Set<String>) {
        let key = relative(directory)
        guard visited.insert(key).inserted else { return }
        guard let name = ManifestLoader.kustomizationFileNames.first(where: { isRegular(directory.appendingPathComponent($0)) }) else {
            generated(directory, files: &files, state: &state, visited: &visited)
            return
        }
        let file = directory.appendingPathComponent(name)
        files.insert(relative(file))
        guard let text = try? String(contentsOf: file, encoding: .utf8), let document = try? YAMLDocumentReader.documents(in: text).first else { return }
        let at = relative(file)
        if document.pairs?.contains(where: { !Self.knownKeys.contains($0.key.string ?? "") }) == true { state.incomplete = true }
        for field in ["resources", "bases", "components"] {
            for item in document[field]?.items?.compactMap(\.string) ?? [] {
                reference(item, from: directory, file: at, field: field, state: &state, files: &files, visited: &visited)
            }
        }
        for field in ["crds", "configurations"] {
            for item in document[field]?.items?.compactMap(\.string) ?? [] {
                fileReference(item, from: directory, file: at, field: field, state: &state, files: &files)
            }
        }
        // A strategic-merge entry is a file unless it is an inline patch.
        for item in document["patchesStrategicMerge"]?.items?.compactMap(\.string) ?? [] where !item.contains("\n") {
            fileReference(item, from: directory, file: at, field: "patchesStrategicMerge", state: &state, files: &files)
        }
        for field in ["patches", "patchesJson6902", "replacements"] {
            for item in document[field]?.items ?? [] {
                if let path = item.string(at: ["path"]) { fileReference(path, from: directory, file: at, field: "\(field) path", state: &state, files: &files) }
            }
        }
        if let path = document.string(at: ["openapi", "path"]) { fileReference(path, from: directory, file: at, field: "openapi path", state: &state, files: &files) }
        for field in ["configMapGenerator", "secretGenerator"] {
            for generator in document[field]?.items ?? [] {
                generatorFiles(generator, from: directory, file: at, field: field, state: &state, files: &files)
            }
        }
        // Plugin configurations: a file (scanned for the files it names), a directory of them, or inline YAML.
        for field in ["generators", "transformers", "validators"] {
            for item in document[field]?.items?.compactMap(\.string) ?? [] where !item.contains("\n") {
                guard let target = confined(item, from: directory, file: at, field: field, state: &state) else { continue }
                if isDirectory(target) {
                    visit(target, state: &state, files: &files, visited: &visited)
                    for config in files.filter({ $0.hasPrefix(relative(target) + "/") }) {
                        pluginConfig(root.appendingPathComponent(config), listedIn: directory, file: at, state: &state, files: &files)
                    }
                } else if isRegular(target) {
                    files.insert(relative(target))
                    pluginConfig(target, listedIn: directory, file: at, state: &state, files: &files)
                }
            }
            for item in document[field]?.items?.compactMap(\.string) ?? [] where item.contains("\n") {
                if let configs = try? YAMLDocumentReader.documents(in: item) {
                    for config in configs { pluginFields(config, listedIn: directory, file: at, state: &state, files: &files) }
                }
            }
        }
    }

    /// Flux's generated kustomization (FLUX.md §5.4): `.yaml`/`.yml` files, and sub-directories that hold
    /// their own kustomization. Symlinks are not in Flux's artifact, so they are not read.
    private func generated(_ directory: URL, files: inout Set<String>, state: inout BuildInputs, visited: inout Set<String>) {
        for entry in ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted() where !entry.hasPrefix(".") {
            let child = directory.appendingPathComponent(entry)
            if isSymlink(child) { continue }
            if isDirectory(child) {
                if ManifestLoader.kustomizationFileNames.contains(where: { isRegular(child.appendingPathComponent($0)) }) {
                    visit(child, state: &state, files: &files, visited: &visited)
                } else {
                    generated(child, files: &files, state: &state, visited: &visited)
                }
            } else if entry.hasSuffix(".yaml") || entry.hasSuffix(".yml") {
                files.insert(relative(child))
            }
        }
    }

    /// A resource, base or component: remote, a directory (another kustomization) or a file.
    private func reference(_ item: String, from directory: URL, file: String, field: String, state: inout BuildInputs,
                           files: inout Set<String>, visited: inout Set<String>) {
        if Self.isRemote(item, existsLocally: FileManager.default.fileExists(atPath: directory.appendingPathComponent(item).path)) {
            if allowRemote { state.remote = true } else { state.violations.append(.remote(file: file, field: field, url: item)) }
            return
        }
        guard let target = confined(item, from: directory, file: file, field: field, state: &state) else { return }
        if isDirectory(target) {
            visit(target, state: &state, files: &files, visited: &visited)
        } else if isRegular(target) {
            files.insert(relative(target))
        }
    }

    private func fileReference(_ item: String, from directory: URL, file: String, field: String, state: inout BuildInputs, files: inout Set<String>) {
        guard let target = confined(item, from: directory, file: file, field: field, state: &state) else { return }
        if isRegular(target) { files.insert(relative(target)) }
    }

    /// `files` (`key=path` or `path`), `envs` and `env` of a ConfigMap or Secret generator.
    private func generatorFiles(_ generator: YAMLNode, from directory: URL, file: String, field: String, state: inout BuildInputs, files: inout Set<String>) {
        var paths = (generator["files"]?.items?.compactMap(\.string) ?? []).map { entry in
            entry.firstIndex(of: "=").map { String(entry[entry.index(after: $0)...]) } ?? entry
        }
        paths += generator["envs"]?.items?.compactMap(\.string) ?? []
        if let env = generator.string(at: ["env"]) { paths.append(env) }
        for path in paths { fileReference(path, from: directory, file: file, field: "\(field) file", state: &state, files: &files) }
    }

    private func pluginConfig(_ url: URL, listedIn directory: URL, file: String, state: inout BuildInputs, files: inout Set<String>) {
        guard let text = try? String(contentsOf: url, encoding: .utf8), let configs = try? YAMLDocumentReader.documents(in: text) else { return }
        for config in configs { pluginFields(config, listedIn: directory, file: relative(url), state: &state, files: &files) }
    }

    /// The file-naming fields of kustomize's builtin plugins; their paths are relative to the kustomization
    /// that lists the plugin.
    private func pluginFields(_ config: YAMLNode, listedIn directory: URL, file: String, state: inout BuildInputs, files: inout Set<String>) {
        generatorFiles(config, from: directory, file: file, field: config.string(at: ["kind"]) ?? "plugin", state: &state, files: &files)
        var paths = config["paths"]?.items?.compactMap(\.string) ?? []
        if let path = config.string(at: ["path"]) { paths.append(path) }
        paths += (config["replacements"]?.items ?? []).compactMap { $0.string(at: ["path"]) }
        for key in ["valuesFile", "chartHome"] { if let path = config.string(at: [key]) { paths.append(path) } }
        for path in paths { fileReference(path, from: directory, file: file, field: "\(config.string(at: ["kind"]) ?? "plugin") path", state: &state, files: &files) }
    }

    /// The target of `reference` when it stays inside the root with no symlink on the way; otherwise
    /// records why not and returns nil.
    private func confined(_ reference: String, from directory: URL, file: String, field: String, state: inout BuildInputs) -> URL? {
        let target = (reference.hasPrefix("/") ? URL(fileURLWithPath: reference) : directory.appendingPathComponent(reference)).standardizedFileURL
        guard let inside = relativeIfInside(target) else {
            state.violations.append(.outsideRoot(file: file, field: field, reference: reference))
            return nil
        }
        // Each component from the root down: a symlink anywhere means the cluster cannot read it, and
        // one pointing out would read outside the root.
        var walked = root
        for component in inside.split(separator: "/") {
            walked.appendPathComponent(String(component))
            guard isSymlink(walked) else { continue }
            if relativeIfInside(walked.resolvingSymlinksInPath().standardizedFileURL) == nil {
                state.violations.append(.outsideRoot(file: file, field: field, reference: reference))
            } else {
                state.violations.append(.symlink(file: file, field: field, reference: reference))
            }
            return nil
        }
        return target
    }

    /// kustomize treats an entry as remote when it is not a local file or directory and reads as a URL
    /// or a repository spec (`github.com/org/repo//path`, `git@host:org/repo`, `https://…`).
    static func isRemote(_ item: String, existsLocally: Bool) -> Bool {
        if item.contains("://") { return true }
        guard !existsLocally else { return false }
        if item.hasPrefix("git@") || item.hasPrefix("git::") { return true }
        guard let first = item.split(separator: "/").first, first != ".", first != ".." else { return false }
        return first.contains(".") && item.contains("/")
    }

    private func relativeIfInside(_ url: URL) -> String? {
        let path = url.path, base = root.path
        if path == base { return "" }
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : nil
    }

    private func relative(_ url: URL) -> String { relativeIfInside(url.standardizedFileURL) ?? url.path }

    private func isSymlink(_ url: URL) -> Bool { FileKind.at(url.path) == .symlink }

    private func isDirectory(_ url: URL) -> Bool { FileKind.at(url.path) == .directory }

    private func isRegular(_ url: URL) -> Bool { FileKind.at(url.path) == .regular }
}
