import Crypto
import Foundation
import Manifests

/// Builds keyed by their inputs, so that `diff` renders a Kustomization whose inputs are the same on
/// both sides only once, and (with a `RenderCacheDirectory`) a second run builds nothing it built
/// before. Substitution is not cached: it runs on every render, after the build.
actor BuildCache {
    private var builds: [String: [KustomizeBuilder.Built]] = [:]
    private let directory: RenderCacheDirectory?
    private var wrote = false
    private(set) var hits = 0
    /// Builds run (not found here or in the directory).
    private(set) var misses = 0

    init(directory: RenderCacheDirectory? = nil) {
        self.directory = directory
    }

    func get(_ key: String) -> [KustomizeBuilder.Built]? {
        if let built = builds[key] ?? directory?.read(key) {
            builds[key] = built
            hits += 1
            return built
        }
        misses += 1
        return nil
    }

    func put(_ key: String, _ built: [KustomizeBuilder.Built]) {
        builds[key] = built
        if let directory {
            directory.write(key, built)
            wrote = true
        }
    }

    /// Keeps the directory within its bound, once a run is over.
    func finish() {
        if wrote { directory?.trim() }
        wrote = false
    }

    /// The key of a build and what it reads: its Flux spec and path, and every file it reads (`inputs`,
    /// from `BuildInputScanner`) — components and resources outside the path included; the build's view
    /// holds exactly these, so the key covers everything kustomize can read. Nil: do not reuse (a
    /// refused build, or one that fetches remote resources, whose content no file here holds).
    /// - Parameter reading: keep what the build reads as a `BuildContent`; without it (a render that
    ///   builds everything asks nothing of it) the content answers "may hold anything".
    /// - Parameter fetched: the remote files the build reads, as Lockmaster fetched them (`--allow-remote`).
    func fingerprint(
        tree: URL, path: String, spec: YAMLNode?, inputs: BuildInputs, fetched: [String: Data] = [:],
        reading: Bool = true
    ) -> BuildFingerprint? {
        guard inputs.violations.isEmpty, inputs.remoteFiles.allSatisfy({ fetched[$0.url] != nil }) else { return nil }
        var hasher = SHA256()
        let specText = spec?.jsonText() ?? "entry"
        hasher.update(data: Data(specText.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(path.utf8))
        // What the spec adds to the objects: the fields that change them, and the variables it sets.
        // As YAML, so that a patch's lines stay lines (JSON would write them with `\n` escapes).
        var text = BuildContent.objectFields.compactMap { field in
            spec?.node(at: field).map { "\(field.joined(separator: ".")):\n\($0.yamlText())" }
        }.joined(separator: "\n")
        var variables: [String: String] = [:]
        for pair in spec?["postBuild"]?["substitute"]?.pairs ?? [] {
            if let key = pair.key.string { variables[key] = pair.value.string ?? "" }
        }
        for url in fetched.keys.sorted() {
            hasher.update(data: Data(url.utf8 + [0]))
            hasher.update(data: Data(SHA256.hash(data: fetched[url] ?? Data())))
            if reading { text += "\n" + String(decoding: fetched[url] ?? Data(), as: UTF8.self) }
        }
        // Exactly the files of the build's view: nothing else is readable when it runs.
        guard
            let read = Self.hash(
                inputs.files.map { tree.appendingPathComponent($0) }, base: tree, into: &hasher, keepingText: reading)
        else { return nil }
        text += "\n" + read
        let key = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        guard reading else { return BuildFingerprint(key: key, content: BuildContent(text: "", incomplete: true)) }
        return BuildFingerprint(
            key: key,
            content: BuildContent(
                text: text, incomplete: false, variables: variables,
                targetNamespace: spec?.string(at: ["targetNamespace"]).flatMap { $0.contains("$") ? nil : $0 }))
    }

    /// Hashes each file's path and content; returns their text, when kept (nil when one cannot be read).
    private static func hash(_ files: [URL], base: URL, into hasher: inout SHA256, keepingText: Bool) -> String? {
        let prefix = base.standardizedFileURL.path.count
        var text = ""
        for file in files {
            guard let data = try? Data(contentsOf: file) else { return nil }
            hasher.update(data: Data(file.standardizedFileURL.path.dropFirst(prefix).utf8 + [0]))
            hasher.update(data: Data(SHA256.hash(data: data)))
            if keepingText { text += String(decoding: data, as: UTF8.self) + "\n" }
        }
        return text
    }
}
