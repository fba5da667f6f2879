import Foundation
import Manifests
import Support

/// Every file one kustomize build reads, found before kustomize runs, and every reference that
/// kustomize-controller's secure build would refuse (FLUX.md §5.6): a path outside the source root
/// (absolute, `../` that climbs out, a symlink that points out), a symlink at all (Flux's artifact
/// holds none), or a remote resource. The files are the build's view and key: what is not listed here
/// is not there when kustomize runs.
struct BuildInputs: Sendable {
    /// Regular files read, relative to the source root, sorted.
    var files: [String] = []
    /// The files among them whose documents the build emits (resources, bases, components, and the files of
    /// Flux's generated kustomization), not its patches, generators or configurations.
    var resources: Set<String> = []
    /// Remote files the build reads (allowed with `--allow-remote`): Lockmaster fetches them into the view.
    var remoteFiles: [RemoteFile] = []
    var violations: [BuildViolation] = []
}

/// A URL a kustomization lists where a file belongs, and the kustomization that lists it.
struct RemoteFile: Sendable, Hashable {
    var url: String
    /// The kustomization (relative to the source root).
    var listedIn: String
}

/// A reference a confined build refuses. `file` is the kustomization (or plugin configuration) that
/// makes it, relative to the source root.
enum BuildViolation: Sendable, Equatable, CustomStringConvertible {
    case outsideRoot(file: String, field: String, reference: String)
    case symlink(file: String, field: String, reference: String)
    case remote(file: String, field: String, url: String)
    /// A remote base (a git repository), which Lockmaster does not fetch even with `--allow-remote`.
    case remoteBase(file: String, field: String, url: String)
    /// A remote file `--allow-remote` could not fetch (a host not allowed, an error).
    case notFetched(url: String, reason: String)
    /// A construct the scanner does not fully understand, so it cannot say what kustomize would read.
    case unsupported(file: String, position: TextPosition, construct: String)

    /// An http(s) URL of one manifest, which kustomize fetches as a file (not a repository to clone).
    static func isRemoteFile(_ url: String) -> Bool {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return false }
        let path = url.split(separator: "?").first.map(String.init) ?? url
        return [".yaml", ".yml", ".json"].contains { path.hasSuffix($0) }
            && !path.dropFirst("https://".count).contains("//")
    }

    var description: String {
        switch self {
        case .outsideRoot(let file, let field, let reference):
            return
                "\(file): \(field) \"\(reference)\" is outside the source root; kustomize-controller's secure build reads only inside it"
        case .symlink(let file, let field, let reference):
            return
                "\(file): \(field) \"\(reference)\" is a symlink; Flux's artifact leaves symlinks out, so the cluster's build cannot read it"
        case .remote(let file, let field, let url):
            // FLUX.md §5.6: --no-remote-bases blocks remote bases, not a single remote file.
            let flux =
                Self.isRemoteFile(url)
                ? "Flux fetches a single remote file even with --no-remote-bases"
                : "Flux fetches a remote base only where --no-remote-bases is off"
            return
                "\(file): \(field) \"\(url)\" is a remote resource; it is not fetched (\(flux)); render and diff fetch it with --allow-remote"
        case .remoteBase(let file, let field, let url):
            return
                "\(file): \(field) \"\(url)\" is a remote base (a git repository); Lockmaster fetches single remote files only, never a repository, "
                + "so it is not built: vendor the base into this repository"
        case .notFetched(_, let reason):
            return reason
        case .unsupported(let file, let position, let construct):
            return
                "\(file):\(position.line):\(position.column): \(construct); a build is made only of kustomizations Lockmaster reads exactly as kustomize does, "
                + "and this one may be read otherwise by kustomize's Go decoders (real estates rarely write it): write it out plainly"
        }
    }
}

/// Walks a build the way kustomize reads it: the kustomization at a path (or Flux's generated one),
/// its resources, components, patches, generator files and plugin configurations. Fail-closed: a
/// kustomization it cannot read exactly (see `KustomizationGrammar`) is a violation, never a guess.
struct BuildInputScanner {
    /// The source root, symlinks resolved.
    let root: URL
    let allowRemote: Bool
    /// How many kustomizations deep the walk is now (a box: the walk's methods do not mutate the scanner).
    private let depth = Depth()

    private final class Depth { var value = 0 }

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
        // Flux's patches hold a patch and a target, never a file: kustomize would read a `path` it was given.
        for patch in spec?["patches"]?.items ?? [] {
            for key in (patch.pairs ?? []).compactMap(\.key.string) where key != "patch" && key != "target" {
                state.violations.append(
                    .unsupported(
                        file: "Flux Kustomization", position: patch.position,
                        construct: "spec.patches with '\(key)' (Flux's patches hold only patch and target)"))
            }
        }
        if let directory = confined(entry, from: root, file: "spec.path", field: "path", state: &state) {
            visit(directory, state: &state, files: &files, visited: &visited)
            for component in spec?["components"]?.items?.compactMap(\.string) ?? [] {
                reference(
                    component, from: directory, file: "Flux Kustomization", field: "spec.components", state: &state,
                    files: &files, visited: &visited)
            }
        }
        state.files = files.sorted()
        return state
    }

    /// Kustomizations nested deeper than this are refused (real ones nest a handful of levels).
    static let maximumDepth = 64

    private func visit(_ directory: URL, state: inout BuildInputs, files: inout Set<String>, visited: inout Set<String>)
    {
        let key = relative(directory)
        guard visited.insert(key).inserted else { return }
        // Each nested kustomization is a frame of this walk (and of kustomize's): bound it.
        depth.value += 1
        defer { depth.value -= 1 }
        guard withinDepth(directory, "kustomizations", state: &state) else { return }
        // kustomize looks for each name and refuses two; a symlinked one the builder would follow.
        let present = ManifestLoader.kustomizationFileNames.filter {
            FileKind.at(directory.appendingPathComponent($0).path) != nil
        }
        for name in present where !isRegular(directory.appendingPathComponent(name)) {
            state.violations.append(
                .unsupported(
                    file: relative(directory.appendingPathComponent(name)), position: TextPosition(line: 1, column: 1),
                    construct: "a kustomization file that is a symlink or not a regular file"))
        }
        guard let name = present.first(where: { isRegular(directory.appendingPathComponent($0)) }) else {
            if present.isEmpty { generated(directory, files: &files, state: &state, visited: &visited) }
            return
        }
        for other in present where isRegular(directory.appendingPathComponent(other)) {
            files.insert(relative(directory.appendingPathComponent(other)))
        }
        let file = directory.appendingPathComponent(name)
        let at = relative(file)
        guard let document = read(file, at: at, state: &state) else { return }
        for problem in KustomizationGrammar.problems(in: document) {
            state.violations.append(.unsupported(file: at, position: problem.position, construct: problem.construct))
        }
        for field in ["resources", "bases", "components"] {
            for item in paths(document, field, file: at, state: &state) {
                reference(
                    item, from: directory, file: at, field: field, state: &state, files: &files, visited: &visited)
            }
        }
        for field in ["crds", "configurations"] {
            for item in paths(document, field, file: at, state: &state) {
                fileReference(item, from: directory, file: at, field: field, state: &state, files: &files)
            }
        }
        // A strategic-merge entry is a file unless it is an inline patch (a YAML document with a newline).
        for item in document["patchesStrategicMerge"]?.items ?? [] {
            guard let text = item.string else { continue }
            if text.contains("\n") {
                // kustomize takes an entry as a patch when it reads as one, and as a file name otherwise.
                guard
                    (try? YAMLDocumentReader.documents(in: text))?.allSatisfy({ $0.pairs != nil || $0.items != nil })
                        == true
                else {
                    state.violations.append(
                        .unsupported(
                            file: at, position: item.position,
                            construct: "a patchesStrategicMerge entry with a line break that is not an inline patch"))
                    continue
                }
                inline(
                    text, at: item.position, listedIn: directory, file: at, plugin: false, state: &state, files: &files)
                continue
            }
            if let path = pathText(item, file: at, state: &state) {
                fileReference(
                    path, from: directory, file: at, field: "patchesStrategicMerge", state: &state, files: &files)
            }
        }
        for field in ["patches", "patchesJson6902", "replacements"] {
            for item in document[field]?.items ?? [] {
                if let node = item["path"], let path = pathText(node, file: at, state: &state) {
                    fileReference(path, from: directory, file: at, field: "\(field) path", state: &state, files: &files)
                }
                if let patch = item["patch"]?.string,
                    patch.contains("\n") || patch.hasPrefix("[") || patch.hasPrefix("{")
                {
                    inline(
                        patch, at: item["patch"]!.position, listedIn: directory, file: at, plugin: false, state: &state,
                        files: &files)
                }
            }
        }
        if let node = document.node(at: ["openapi", "path"]), let path = pathText(node, file: at, state: &state) {
            fileReference(path, from: directory, file: at, field: "openapi path", state: &state, files: &files)
        }
        for field in ["configMapGenerator", "secretGenerator"] {
            for generator in document[field]?.items ?? [] {
                generatorFiles(generator, from: directory, file: at, field: field, state: &state, files: &files)
            }
        }
        // Plugin configurations: a file (scanned for the files it names), a kustomization directory of
        // them, or inline YAML.
        for field in ["generators", "transformers", "validators"] {
            for item in document[field]?.items ?? [] {
                guard let text = item.string else { continue }
                if text.contains("\n") {
                    inline(
                        text, at: item.position, listedIn: directory, file: at, plugin: true, state: &state,
                        files: &files)
                    continue
                }
                guard let path = pathText(item, file: at, state: &state),
                    let target = confined(path, from: directory, file: at, field: field, state: &state)
                else { continue }
                if isDirectory(target) {
                    pluginDirectory(target, listedIn: directory, file: at, field: field, state: &state, files: &files)
                } else if isRegular(target) {
                    files.insert(relative(target))
                    pluginConfig(target, listedIn: directory, state: &state, files: &files)
                }
            }
        }
    }

    /// Whether the walk is within `maximumDepth`; past it, one violation (not one per level) says so.
    private func withinDepth(_ directory: URL, _ what: String, state: inout BuildInputs) -> Bool {
        guard depth.value > Self.maximumDepth else { return true }
        let construct = "\(what) nested more than \(Self.maximumDepth) deep"
        if !state.violations.contains(where: { if case .unsupported(_, _, construct) = $0 { true } else { false } }) {
            state.violations.append(
                .unsupported(
                    file: relative(directory), position: TextPosition(line: 1, column: 1), construct: construct))
        }
        return false
    }

    /// A file's text, at most 1 MiB of UTF-8, with what the strict YAML pass refuses in it as violations;
    /// nil (with a violation naming `what`) when it is not such text.
    private func strictText(_ file: URL, at: String, what: String, state: inout BuildInputs) -> String? {
        guard let data = FileManager.default.contents(atPath: file.path), data.count <= Self.fileLimit,
            let text = String(data: data, encoding: .utf8)
        else {
            state.violations.append(
                .unsupported(
                    file: at, position: TextPosition(line: 1, column: 1),
                    construct: "\(what) that is not UTF-8 text of at most 1 MiB"))
            return nil
        }
        for problem in StrictYAML.problems(in: text) {
            state.violations.append(.unsupported(file: at, position: problem.position, construct: problem.construct))
        }
        return text
    }

    /// A kustomization or plugin configuration, read and checked; nil (with a violation) when it cannot be.
    private func read(_ file: URL, at: String, state: inout BuildInputs) -> YAMLNode? {
        guard let text = strictText(file, at: at, what: "a file", state: &state) else { return nil }
        do {
            // kustomize decodes the first document only.
            return try YAMLDocumentReader.documents(in: text).first
                ?? YAMLNode(.mapping([]), at: TextPosition(line: 1, column: 1))
        } catch {
            state.violations.append(
                .unsupported(
                    file: at, position: error.position, construct: "YAML that cannot be read (\(error.message))"))
            return nil
        }
    }

    /// Kustomization files are small; a larger one is not a kustomization a person wrote.
    static let fileLimit = 1 << 20

    /// The strings of a list of paths; anything else in it is a violation.
    private func paths(_ document: YAMLNode, _ field: String, file: String, state: inout BuildInputs) -> [String] {
        guard let node = document[field] else { return [] }
        guard let items = node.items else {
            if !node.isNull {
                state.violations.append(
                    .unsupported(file: file, position: node.position, construct: "\(field) that is not a list"))
            }
            return []
        }
        return items.compactMap { pathText($0, file: file, state: &state) }
    }

    /// A path as Go reads it, or nil with a violation: a string scalar with no control character, that
    /// YAML 1.1 does not read as null, a boolean or a number.
    private func pathText(_ node: YAMLNode, file: String, state: inout BuildInputs) -> String? {
        guard case .scalar(let text, let style, let tag) = node.content, tag == nil else {
            state.violations.append(
                .unsupported(file: file, position: node.position, construct: "a path that is not a string"))
            return nil
        }
        if style == .plain, KustomizationGrammar.isNonString(text) {
            state.violations.append(
                .unsupported(
                    file: file, position: node.position,
                    construct: "a path that YAML reads as null, a boolean or a number (quote it)"))
            return nil
        }
        if text.unicodeScalars.contains(where: {
            $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value)
        }) {
            state.violations.append(
                .unsupported(
                    file: file, position: node.position, construct: "a path with a control character or a line break"))
            return nil
        }
        return text
    }

    /// An inline patch or plugin configuration: checked as a file is; a plugin's file fields are followed.
    private func inline(
        _ text: String, at position: TextPosition, listedIn directory: URL, file: String, plugin: Bool,
        state: inout BuildInputs, files: inout Set<String>
    ) {
        let problems = StrictYAML.problems(in: text)
        for problem in problems {
            state.violations.append(
                .unsupported(file: file, position: position, construct: "inline YAML holding \(problem.construct)"))
        }
        guard plugin else { return }
        guard let configs = try? YAMLDocumentReader.documents(in: text), configs.allSatisfy({ $0.pairs != nil }) else {
            state.violations.append(
                .unsupported(
                    file: file, position: position,
                    construct: "an entry with a line break that is not an inline plugin configuration"))
            return
        }
        for config in configs { pluginFields(config, listedIn: directory, file: file, state: &state, files: &files) }
    }

    /// A directory of plugin configurations is itself a kustomization: its files are read as resources.
    /// One that transforms them (patches, replacements, generators) could set a plugin's `path` where no
    /// file says so, so it is refused.
    private func pluginDirectory(
        _ target: URL, listedIn directory: URL, file: String, field: String, state: inout BuildInputs,
        files: inout Set<String>
    ) {
        var own = Set<String>()
        var seen = Set<String>()
        var inner = BuildInputs()
        visit(target, state: &inner, files: &own, visited: &seen)
        state.violations += inner.violations
        state.remoteFiles += inner.remoteFiles
        files.formUnion(own)
        for name in own.sorted() {
            let url = root.appendingPathComponent(name)
            if ManifestLoader.kustomizationFileNames.contains(url.lastPathComponent) {
                let document = (try? String(contentsOf: url, encoding: .utf8)).flatMap {
                    try? YAMLDocumentReader.documents(in: $0).first
                }
                let transforming = (document?.pairs ?? []).compactMap(\.key.string).filter {
                    !KustomizationGrammar.resourceKeys.contains($0)
                }
                if !transforming.isEmpty {
                    state.violations.append(
                        .unsupported(
                            file: name, position: TextPosition(line: 1, column: 1),
                            construct:
                                "a directory of \(field) whose kustomization changes the configurations (\(transforming.sorted().joined(separator: ", ")))"
                        ))
                }
            } else {
                pluginConfig(url, listedIn: directory, state: &state, files: &files)
            }
        }
    }

    /// Flux's generated kustomization (FLUX.md §5.4): `.yaml`/`.yml` files, and sub-directories that hold
    /// their own kustomization. Symlinks are not in Flux's artifact, so they are not read.
    private func generated(
        _ directory: URL, files: inout Set<String>, state: inout BuildInputs, visited: inout Set<String>
    ) {
        depth.value += 1
        defer { depth.value -= 1 }
        guard withinDepth(directory, "directories", state: &state) else { return }
        for entry in ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        where !entry.hasPrefix(".") {
            let child = directory.appendingPathComponent(entry)
            if isSymlink(child) { continue }
            if isDirectory(child) {
                if ManifestLoader.kustomizationFileNames.contains(where: {
                    FileKind.at(child.appendingPathComponent($0).path) != nil
                }) {
                    visit(child, state: &state, files: &files, visited: &visited)
                } else {
                    generated(child, files: &files, state: &state, visited: &visited)
                }
            } else if entry.hasSuffix(".yaml") || entry.hasSuffix(".yml") {
                files.insert(relative(child))
                state.resources.insert(relative(child))
            }
        }
    }

    /// A resource, base or component: remote, a directory (another kustomization) or a file.
    private func reference(
        _ item: String, from directory: URL, file: String, field: String, state: inout BuildInputs,
        files: inout Set<String>, visited: inout Set<String>
    ) {
        if Self.isRemote(
            item, existsLocally: FileManager.default.fileExists(atPath: directory.appendingPathComponent(item).path))
        {
            if !allowRemote {
                state.violations.append(.remote(file: file, field: field, url: item))
            } else if BuildViolation.isRemoteFile(item) {
                state.remoteFiles.append(RemoteFile(url: item, listedIn: file))
            } else {
                state.violations.append(.remoteBase(file: file, field: field, url: item))
            }
            return
        }
        guard let target = confined(item, from: directory, file: file, field: field, state: &state) else { return }
        if isDirectory(target) {
            visit(target, state: &state, files: &files, visited: &visited)
        } else if isRegular(target) {
            files.insert(relative(target))
            state.resources.insert(relative(target))
        }
    }

    /// A file a field names. kustomize's loader fetches an http(s) URL in any file field, not only in resources.
    private func fileReference(
        _ item: String, from directory: URL, file: String, field: String, state: inout BuildInputs,
        files: inout Set<String>
    ) {
        if item.contains("://") {
            if !allowRemote {
                state.violations.append(.remote(file: file, field: field, url: item))
            } else if item.hasPrefix("https://") || item.hasPrefix("http://") {
                state.remoteFiles.append(RemoteFile(url: item, listedIn: file))
            } else {
                state.violations.append(.remoteBase(file: file, field: field, url: item))
            }
            return
        }
        guard let target = confined(item, from: directory, file: file, field: field, state: &state) else { return }
        if isRegular(target) { files.insert(relative(target)) }
    }

    /// `files` (`key=path` or `path`), `envs` and `env` of a ConfigMap or Secret generator.
    private func generatorFiles(
        _ generator: YAMLNode, from directory: URL, file: String, field: String, state: inout BuildInputs,
        files: inout Set<String>
    ) {
        var paths = (generator["files"]?.items ?? []).compactMap { pathText($0, file: file, state: &state) }.map {
            entry in
            entry.firstIndex(of: "=").map { String(entry[entry.index(after: $0)...]) } ?? entry
        }
        paths += (generator["envs"]?.items ?? []).compactMap { pathText($0, file: file, state: &state) }
        if let env = generator["env"], let path = pathText(env, file: file, state: &state) { paths.append(path) }
        for path in paths {
            fileReference(path, from: directory, file: file, field: "\(field) file", state: &state, files: &files)
        }
    }

    private func pluginConfig(_ url: URL, listedIn directory: URL, state: inout BuildInputs, files: inout Set<String>) {
        let at = relative(url)
        guard let text = strictText(url, at: at, what: "a plugin configuration", state: &state) else { return }
        guard let configs = try? YAMLDocumentReader.documents(in: text) else {
            state.violations.append(
                .unsupported(
                    file: at, position: TextPosition(line: 1, column: 1),
                    construct: "a plugin configuration that cannot be read"))
            return
        }
        for config in configs { pluginFields(config, listedIn: directory, file: at, state: &state, files: &files) }
    }

    /// The file-naming fields of kustomize's builtin plugins; their paths are relative to the kustomization
    /// that lists the plugin. A field named like one of them in another case is refused.
    private func pluginFields(
        _ config: YAMLNode, listedIn directory: URL, file: String, state: inout BuildInputs, files: inout Set<String>
    ) {
        for problem in KustomizationGrammar.caseProblems(in: config) {
            state.violations.append(.unsupported(file: file, position: problem.position, construct: problem.construct))
        }
        let kind = config.string(at: ["kind"]) ?? "plugin"
        generatorFiles(config, from: directory, file: file, field: kind, state: &state, files: &files)
        var paths = (config["paths"]?.items ?? []).compactMap { pathText($0, file: file, state: &state) }
        for key in ["path", "valuesFile", "chartHome"] {
            if let node = config[key], let path = pathText(node, file: file, state: &state) { paths.append(path) }
        }
        for replacement in config["replacements"]?.items ?? [] {
            if let node = replacement["path"], let path = pathText(node, file: file, state: &state) {
                paths.append(path)
            }
        }
        for path in paths {
            fileReference(path, from: directory, file: file, field: "\(kind) path", state: &state, files: &files)
        }
    }

    /// The target of `reference` when it stays inside the root with no symlink on the way; otherwise
    /// records why not and returns nil.
    private func confined(
        _ reference: String, from directory: URL, file: String, field: String, state: inout BuildInputs
    ) -> URL? {
        let target =
            (reference.hasPrefix("/") ? URL(fileURLWithPath: reference) : directory.appendingPathComponent(reference))
            .standardizedFileURL
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
        let path = url.path
        let base = root.path
        if path == base { return "" }
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : nil
    }

    private func relative(_ url: URL) -> String { relativeIfInside(url.standardizedFileURL) ?? url.path }

    private func isSymlink(_ url: URL) -> Bool { FileKind.at(url.path) == .symlink }

    private func isDirectory(_ url: URL) -> Bool { FileKind.at(url.path) == .directory }

    private func isRegular(_ url: URL) -> Bool { FileKind.at(url.path) == .regular }
}
