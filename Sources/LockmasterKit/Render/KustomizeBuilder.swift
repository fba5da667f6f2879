import Cluster
import Foundation
import Manifests
import Support

/// Builds one Flux Kustomization's path the way kustomize-controller does: `kubectl kustomize
/// --load-restrictor LoadRestrictionsNone` (the reference renderer) over the path's own kustomization,
/// or over Flux's generated one when it has none (FLUX.md §5.4), with the Flux Kustomization's fields
/// that change objects merged in through a wrapper kustomization. Like Flux's secure build (§5.6), a
/// build reads only inside its source root, and here only what its key covers: `BuildInputScanner`
/// lists those files (and refuses what it does not fully understand), the build runs in a *view* that
/// holds exactly them, and kubectl runs inside the kernel wall (`Cluster.ConfinedKustomize`), which lets
/// it read nothing else. What the scan missed is absent from the view, so it fails the build.
struct KustomizeBuilder {
    let runner: any ProcessRunner
    let kubectl: String
    var allowRemote = false
    var unconfined = false
    /// What source-controller leaves out of each tree's artifact.
    let ignores = SourceIgnoreCache()

    var confined: ConfinedKustomize { ConfinedKustomize(kubectl: kubectl, runner: runner, unconfined: unconfined) }

    struct Built {
        var node: YAMLNode
        var source: String?
    }

    enum BuildError: Error, CustomStringConvertible {
        case pathNotFound(String)
        case kustomize(String)
        case confinement([BuildViolation])

        var description: String {
            switch self {
            case .pathNotFound(let path): return "kustomization path not found: \(path)"
            case .kustomize(let message): return "kustomize build failed: \(message)"
            case .confinement(let violations):
                return "not built: " + violations.map(\.description).joined(separator: "; ")
            }
        }
    }

    /// What building `path` reads, and what of it a confined build refuses.
    /// What source-controller leaves out of the artifact is not read: a kustomization that names it fails,
    /// and Flux's generated list leaves it out, as they do in the cluster.
    func inputs(tree: URL, path: String, spec: YAMLNode?) -> BuildInputs {
        var inputs = BuildInputScanner(root: tree, allowRemote: allowRemote).scan(path: path, spec: spec)
        let ignore = ignores.ignore(for: tree)
        inputs.files.removeAll(where: ignore.excludes)
        inputs.resources = inputs.resources.filter { !ignore.excludes($0) }
        return inputs
    }

    /// - Parameters:
    ///   - tree: the source's root directory; `path` is relative to it.
    ///   - spec: the Flux Kustomization's `spec` (nil for the environment's entry).
    ///   - inputs: `inputs(tree:path:spec:)`; a build with violations is refused.
    ///   - overlay: files (relative to `tree`) to build as if they were there: what `flux bootstrap`
    ///     will write into a directory that lists it before it has run.
    func build(
        tree source: URL, path: String, spec: YAMLNode?, inputs: BuildInputs, scratch: URL,
        overlay: [String: Data] = [:],
        fetched: [String: Data] = [:]
    ) async throws -> [Built] {
        var isDirectory: ObjCBool = false
        guard
            FileManager.default.fileExists(atPath: source.appendingPathComponent(path).path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw BuildError.pathNotFound(path.isEmpty ? "./" : "./" + path)
        }
        guard inputs.violations.isEmpty else { throw BuildError.confinement(inputs.violations) }
        let tree = try BuildView.make(from: source, files: inputs.files, directories: [path], in: scratch)
        try BuildView.place(fetched, for: inputs.remoteFiles, in: tree)
        let directory = tree.appendingPathComponent(path)
        // Flux merges spec.components into the path's own kustomization (FLUX.md §5.4), so its patches
        // see what the components add: build a merged copy where relative references still resolve.
        var files = overlay
        if let components = spec?["components"]?.items?.compactMap(\.string), !components.isEmpty,
            let name = ManifestLoader.kustomizationFileNames.first(where: {
                FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
            })
        {
            files[path.isEmpty ? name : "\(path)/\(name)"] = try Self.merging(
                components, into: directory.appendingPathComponent(name), path: path)
        }
        let merged =
            files.isEmpty
            ? nil : try Self.mirror(tree: tree, path: path, files: files, into: scratch.appendingPathComponent("tree"))
        // What the path lists (or Flux's generator finds) in the tree, read through the copy when there is one.
        let copy = scratch.appendingPathComponent("tree")
        let base = tree.standardizedFileURL.path + "/"
        let resources = Self.resources(in: directory).map { url in
            let path = url.standardizedFileURL.path
            return merged != nil && path.hasPrefix(base)
                ? copy.appendingPathComponent(String(path.dropFirst(base.count))) : url
        }
        guard !resources.isEmpty else { return [] }
        var fields = [
            "\"apiVersion\":\"kustomize.config.k8s.io/v1beta1\"", "\"kind\":\"Kustomization\"",
            "\"resources\":["
                + resources.map { YAMLNode.jsonString(Self.relative($0, from: scratch)) }.joined(separator: ",") + "]",
            "\"buildMetadata\":[\"originAnnotations\"]",
        ]
        if let spec {
            if let namespace = spec.string(at: ["targetNamespace"]) {
                fields.append("\"namespace\":\(YAMLNode.jsonString(namespace))")
            }
            if let prefix = spec.string(at: ["namePrefix"]) {
                fields.append("\"namePrefix\":\(YAMLNode.jsonString(prefix))")
            }
            if let suffix = spec.string(at: ["nameSuffix"]) {
                fields.append("\"nameSuffix\":\(YAMLNode.jsonString(suffix))")
            }
            if let patches = spec["patches"], patches.items != nil {
                fields.append("\"patches\":" + patches.jsonText())
            }
            if let images = spec["images"], images.items != nil { fields.append("\"images\":" + images.jsonText()) }
            if merged == nil, let components = spec["components"]?.items {
                let paths = components.compactMap(\.string).map {
                    YAMLNode.jsonString(Self.relative(directory.appendingPathComponent($0), from: scratch))
                }
                fields.append("\"components\":[" + paths.joined(separator: ",") + "]")
            }
            if let labels = spec.node(at: ["commonMetadata", "labels"]), labels.pairs != nil {
                fields.append("\"labels\":[{\"pairs\":\(labels.jsonText()),\"includeSelectors\":false}]")
            }
            if let annotations = spec.node(at: ["commonMetadata", "annotations"]), annotations.pairs != nil {
                fields.append("\"commonAnnotations\":" + annotations.jsonText())
            }
        }
        let output = try await kustomize(fields, scratch: scratch)
        guard output.status == 0 else {
            throw BuildError.kustomize(Self.message(output.stderr, tree: tree, scratch: scratch))
        }
        return try parse(
            output.stdout, tree: merged == nil ? tree : scratch.appendingPathComponent("tree"), scratch: scratch)
    }

    /// Builds several plain paths (no Flux fields that change objects) of one tree in a single kustomize
    /// run, and sorts the objects back to their path by their origin. Throws when the paths cannot be
    /// built together (a missing path, a conflict, any kustomize error): build them one by one then.
    func buildTogether(tree source: URL, paths: [String], inputs: [BuildInputs], scratch: URL) async throws -> [String:
        [Built]]
    {
        guard inputs.allSatisfy(\.violations.isEmpty) else {
            throw BuildError.kustomize("a path reads outside its source root")
        }
        for path in paths {
            var isDirectory: ObjCBool = false
            guard
                FileManager.default.fileExists(
                    atPath: source.appendingPathComponent(path).path, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw BuildError.pathNotFound(path)
            }
        }
        let tree = try BuildView.make(
            from: source, files: Array(Set(inputs.flatMap(\.files))).sorted(), directories: paths, in: scratch)
        var resources: [URL] = []
        for path in paths { resources += Self.resources(in: tree.appendingPathComponent(path)) }
        var result = Dictionary(paths.map { ($0, [Built]()) }, uniquingKeysWith: { first, _ in first })
        guard !resources.isEmpty else { return result }
        let fields = [
            "\"apiVersion\":\"kustomize.config.k8s.io/v1beta1\"", "\"kind\":\"Kustomization\"",
            "\"resources\":["
                + resources.map { YAMLNode.jsonString(Self.relative($0, from: scratch)) }.joined(separator: ",") + "]",
            "\"buildMetadata\":[\"originAnnotations\"]",
        ]
        let output = try await kustomize(fields, scratch: scratch)
        guard output.status == 0 else {
            throw BuildError.kustomize(Self.message(output.stderr, tree: tree, scratch: scratch))
        }
        // Longest path first, so a nested path wins over its parent.
        let ordered = paths.sorted { $0.count > $1.count }
        for built in try parse(output.stdout, tree: tree, scratch: scratch) {
            guard let source = built.source,
                let owner = ordered.first(where: { $0.isEmpty || source.hasPrefix($0 + "/") })
            else {
                throw BuildError.kustomize("an object without a recognisable origin")
            }
            result[owner, default: []].append(built)
        }
        return result
    }

    /// Writes the wrapper kustomization into `scratch` and builds it, confined.
    private func kustomize(_ fields: [String], scratch: URL) async throws -> ProcessOutput {
        try Data(("{" + fields.joined(separator: ",") + "}\n").utf8).write(
            to: scratch.appendingPathComponent("kustomization.yaml"))
        let home = scratch.appendingPathComponent(".home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return try await confined.build(scratch, home: home)
    }

    /// kustomize's output as objects, each with the file it came from (its origin annotation, removed).
    private func parse(_ text: String, tree: URL, scratch: URL) throws -> [Built] {
        let documents: [YAMLNode]
        do { documents = try YAMLDocumentReader.documents(in: text) } catch {
            throw BuildError.kustomize("unreadable output: \(error)")
        }
        let origin = ["metadata", "annotations", "config.kubernetes.io/origin"]
        return documents.filter { $0.pairs != nil }.map { document in
            var source: String?
            if let text = document.string(at: origin),
                let line = text.split(separator: "\n").first(where: {
                    $0.hasPrefix("path: ") || $0.hasPrefix("configuredIn: ")
                })
            {
                let raw = String(line.drop { $0 != " " }.dropFirst())
                // Lexically: a merged copy's files are symlinks, and their path in the copy is the answer.
                let full = Self.lexical(raw.hasPrefix("/") ? raw : scratch.path + "/" + raw)
                let base = Self.lexical(tree.path) + "/"
                source = full.hasPrefix(base) ? String(full.dropFirst(base.count)) : raw
            }
            var node = document.removing(origin)
            if node.node(at: ["metadata", "annotations"])?.pairs?.isEmpty == true {
                node = node.removing(["metadata", "annotations"])
            }
            return Built(node: node, source: source)
        }
    }

    /// An absolute path with `.` and `..` resolved by name, symlinks left alone.
    static func lexical(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// kustomize's complaint without this machine's paths (the source tree, the scratch directory), its
    /// log prefix or its deprecation chatter.
    static func message(_ stderr: String, tree: URL, scratch: URL) -> String {
        var text = stderr
        for base in [scratch.appendingPathComponent("tree").path, tree.standardizedFileURL.path, scratch.path] {
            let relative = base.hasPrefix("/") ? String(base.dropFirst()) : base
            text = text.replacingOccurrences(
                of: "(\\.\\./)+" + NSRegularExpression.escapedPattern(for: relative) + "/?", with: "./",
                options: .regularExpression)
            text = text.replacingOccurrences(of: base + "/", with: "./").replacingOccurrences(of: base, with: ".")
        }
        text = text.replacingOccurrences(
            of: #"(?m)^[EWI]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] "#, with: "", options: .regularExpression)
        return text.split(separator: "\n").filter { !$0.hasPrefix("# Warning:") }.joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A copy of the source tree made of symlinks, except along the directories of `files`, which are
    /// written there: relative references resolve as in the tree. Returns the copy of `path`.
    static func mirror(tree: URL, path: String, files: [String: Data], into mirror: URL) throws -> URL {
        let manager = FileManager.default
        // Every directory on the way to a written file is a real directory of the copy.
        var real: Set<String> = [""]
        for file in files.keys {
            let steps = file.split(separator: "/").dropLast().map(String.init)
            for depth in 0...steps.count { real.insert(steps.prefix(depth).joined(separator: "/")) }
        }
        for directory in real.sorted(by: { $0.count < $1.count }) {
            let source = directory.isEmpty ? tree : tree.appendingPathComponent(directory)
            let copy = directory.isEmpty ? mirror : mirror.appendingPathComponent(directory)
            try manager.createDirectory(at: copy, withIntermediateDirectories: true)
            for entry in (try? manager.contentsOfDirectory(atPath: source.path)) ?? [] {
                let relative = directory.isEmpty ? entry : "\(directory)/\(entry)"
                guard !real.contains(relative), files[relative] == nil else { continue }
                try manager.createSymbolicLink(
                    at: copy.appendingPathComponent(entry), withDestinationURL: source.appendingPathComponent(entry))
            }
        }
        for (file, data) in files { try data.write(to: mirror.appendingPathComponent(file)) }
        return path.isEmpty ? mirror : mirror.appendingPathComponent(path)
    }

    /// The kustomization file at `file` with `components` appended, as Flux merges spec.components.
    static func merging(_ components: [String], into file: URL, path: String) throws -> Data {
        let text = try String(contentsOf: file, encoding: .utf8)
        // Appended as text where the file has no components of its own, so that every other value is
        // read by kustomize as the file wrote it (re-serialised, YAML 1.1 scalars such as `yes` would change).
        if let document = try YAMLDocumentReader.documents(in: text).first, document.pairs != nil,
            document["components"] == nil,
            text.split(separator: "\n").contains(where: {
                !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty
            }),
            text.trimmingCharacters(in: .whitespacesAndNewlines).first != "{", !text.contains("\n---"),
            !text.hasPrefix("---")
        {
            let list = components.map { "- " + YAMLNode.jsonString($0) }.joined(separator: "\n")
            return Data((text + (text.hasSuffix("\n") ? "" : "\n") + "components:\n" + list + "\n").utf8)
        }
        guard let document = try YAMLDocumentReader.documents(in: text).first,
            var object = try JSONSerialization.jsonObject(with: Data(document.jsonText().utf8)) as? [String: Any]
        else {
            throw BuildError.kustomize("\(path)/\(file.lastPathComponent) is not a kustomization")
        }
        object["components"] = (object["components"] as? [Any] ?? []) + components
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Whether a Flux Kustomization's spec changes objects (then its path is built on its own).
    static func changesObjects(_ spec: YAMLNode?) -> Bool {
        guard let spec else { return false }
        return ["targetNamespace", "namePrefix", "nameSuffix", "patches", "images", "components", "commonMetadata"]
            .contains { spec[$0] != nil }
    }

    /// kustomize refuses absolute roots for directories: a path from `base` up to `/` and down again.
    static func relative(_ url: URL, from base: URL) -> String {
        let depth = base.standardizedFileURL.pathComponents.count - 1
        return String(repeating: "../", count: depth) + url.standardizedFileURL.path.dropFirst()
    }

    /// The path itself when it holds a kustomization; otherwise Flux's generated list: every `.yaml`/`.yml`
    /// file in lexical order, and sub-directories with their own kustomization as a whole.
    static func resources(in directory: URL) -> [URL] {
        let names = ManifestLoader.kustomizationFileNames
        func hasKustomization(_ url: URL) -> Bool {
            names.contains { FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path) }
        }
        if hasKustomization(directory) { return [directory] }
        var found: [URL] = []
        func walk(_ url: URL) {
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
            for entry in entries where !entry.hasPrefix(".") {
                let child = url.appendingPathComponent(entry)
                // Flux's artifact holds no symlinks: what one names is not applied.
                guard let kind = FileKind.at(child.path), kind != .symlink else { continue }
                if kind == .directory {
                    if hasKustomization(child) { found.append(child) } else { walk(child) }
                } else if entry.hasSuffix(".yaml") || entry.hasSuffix(".yml") {
                    found.append(child)
                }
            }
        }
        walk(directory)
        return found
    }
}
