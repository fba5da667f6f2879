public import Foundation
import Support

/// Reads every `.yaml`/`.yml` file under a directory into Kubernetes objects. Never stops at a bad
/// file: syntax errors become diagnostics, non-Kubernetes YAML and kustomize patches are skipped
/// with a reason, and the rest of the tree is still read.
public struct ManifestLoader: Sendable {
    /// The repository root; locations are reported relative to it.
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// File names kustomize recognises as a kustomization (FLUX.md §5.4).
    public static let kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// - Parameter directory: a path relative to `root` (empty for the whole repository).
    public func load(under directory: String = "") -> ManifestSet {
        var set = ManifestSet()
        let start = directory.isEmpty ? root : root.appendingPathComponent(directory)
        for file in yamlFiles(under: start, into: &set) {
            read(file, into: &set)
        }
        setAsidePatches(in: &set)
        return set
    }

    /// Like `load(under:)`, but parses only the files whose bytes contain one of `markers`: finding a
    /// few kinds in a large tree costs a byte search per file, not a YAML parse.
    public func load(under directory: String, containing markers: [String]) -> ManifestSet {
        var set = ManifestSet()
        let start = directory.isEmpty ? root : root.appendingPathComponent(directory)
        let needles = markers.map { Data($0.utf8) }
        for file in yamlFiles(under: start, into: &set) {
            guard let data = try? Data(contentsOf: root.appendingPathComponent(file)),
                needles.contains(where: { data.range(of: $0) != nil })
            else { continue }
            set.files.append(file)
            read(data: data, path: file, into: &set)
        }
        setAsidePatches(in: &set)
        return set
    }

    /// Reads one file, relative to `root`, into `set`.
    public func read(_ relativePath: String, into set: inout ManifestSet) {
        set.files.append(relativePath)
        let url = root.appendingPathComponent(relativePath)
        let fileStart = SourceLocation(path: relativePath)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            set.diagnostics.append(
                Diagnostic(
                    .error, at: fileStart, "cannot read file: \(Self.reason(error))",
                    hint: "check the file's permissions"))
            return
        }
        read(data: data, path: relativePath, into: &set)
    }

    /// Reads one file's bytes (from the work tree or from a git object) into `set`.
    public func read(data: Data, path relativePath: String, into set: inout ManifestSet) {
        let fileStart = SourceLocation(path: relativePath)
        guard let text = String(data: data, encoding: .utf8) else {
            set.diagnostics.append(
                Diagnostic(.error, at: fileStart, "file is not UTF-8 text", hint: "save it as UTF-8"))
            return
        }
        let documents: [YAMLNode]
        do {
            documents = try YAMLDocumentReader.documents(in: text)
        } catch {
            let location = SourceLocation(path: relativePath, line: error.position.line, column: error.position.column)
            if text.contains("{{") {
                set.skipped.append(
                    SkippedDocument(location: location, reason: "Go template ({{ }}) that is not plain YAML"))
            } else {
                set.diagnostics.append(
                    Diagnostic(
                        .error, at: location, "invalid YAML: \(error.message)",
                        hint: "fix the syntax; the rest of the repository was still read"))
            }
            return
        }
        let isKustomizationFile = Self.kustomizationFileNames.contains((relativePath as NSString).lastPathComponent)
        for (index, document) in documents.enumerated() {
            let location = SourceLocation(
                path: relativePath, line: document.position.line, column: document.position.column)
            if document.isNull { continue }  // empty document: nothing to read
            guard document.pairs != nil else {
                set.skipped.append(SkippedDocument(location: location, reason: "not a mapping"))
                continue
            }
            var apiVersion = document.string(at: ["apiVersion"])
            var kind = document.string(at: ["kind"])
            if isKustomizationFile, apiVersion == nil, kind == nil {
                // kustomize accepts a kustomization file without apiVersion and kind.
                apiVersion = KustomizeFile.defaultAPIVersion
                kind = "Kustomization"
            }
            guard let apiVersion, let kind else {
                set.skipped.append(
                    SkippedDocument(location: location, reason: "not a Kubernetes object (no apiVersion and kind)"))
                continue
            }
            let object = KubernetesObject(
                apiVersion: apiVersion,
                kind: kind,
                name: document.string(at: ["metadata", "name"]),
                namespace: document.string(at: ["metadata", "namespace"]),
                location: location,
                documentIndex: index,
                root: document
            )
            if let reason = PartialObject.reason(object) {
                set.skipped.append(SkippedDocument(location: location, reason: reason))
            } else {
                set.objects.append(object)
            }
        }
    }

    /// Files referenced as patches by a kustomization are partial objects, not resources. `load` does
    /// this itself; callers that `read` files one by one call it when they are done.
    public func setAsidePatches(in set: inout ManifestSet) {
        var patchFiles: [String: String] = [:]  // patch path → kustomization that names it
        for object in set.objects {
            guard let file = KustomizeFile(object) else { continue }
            let directory = (object.location.path as NSString).deletingLastPathComponent
            for patch in file.patchPaths {
                let path = ((directory as NSString).appendingPathComponent(patch) as NSString).standardizingPath
                patchFiles[path] = object.location.path
            }
        }
        guard !patchFiles.isEmpty else { return }
        for index in set.skipped.indices {
            if let owner = patchFiles[set.skipped[index].location.path] {
                set.skipped[index].reason = "kustomize patch referenced by \(owner)"
            }
        }
        set.objects.removeAll { object in
            guard let owner = patchFiles[object.location.path] else { return false }
            set.skipped.append(
                SkippedDocument(location: object.location, reason: "kustomize patch referenced by \(owner)"))
            return true
        }
    }

    /// YAML files under `start`, relative to `root`, sorted byte-wise. Skips `.git` and Helm charts.
    private func yamlFiles(under start: URL, into set: inout ManifestSet) -> [String] {
        let manager = FileManager.default
        var found: [String] = []
        var pending = [start]
        while let directory = pending.popLast() {
            let relativeDirectory = relative(directory)
            let entries: [String]
            do {
                entries = try manager.contentsOfDirectory(atPath: directory.path)
            } catch {
                set.diagnostics.append(
                    Diagnostic(
                        .error, at: SourceLocation(path: relativeDirectory.isEmpty ? "." : relativeDirectory),
                        "cannot read directory: \(Self.reason(error))", hint: "check its permissions"))
                continue
            }
            if directory != start, entries.contains("Chart.yaml") {
                set.skipped.append(
                    SkippedDocument(
                        location: SourceLocation(path: relativeDirectory),
                        reason: "Helm chart (Chart.yaml): its templates are rendered by helm-controller"))
                continue
            }
            for entry in entries where entry != ".git" {
                let url = directory.appendingPathComponent(entry)
                let kind = FileKind.at(url.path)
                if kind == .symlink {
                    set.symlinks.append(relative(url))
                    continue
                }
                if kind == .directory {
                    pending.append(url)
                } else if entry.hasSuffix(".yaml") || entry.hasSuffix(".yml") || entry == "Kustomization" {
                    found.append(relative(url))
                }
            }
        }
        set.symlinks.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return found.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    private func relative(_ url: URL) -> String {
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : (path == root.path ? "" : path)
    }

    static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue)).lowercased()
        }
        if error.domain == NSCocoaErrorDomain, error.code == NSFileReadNoPermissionError { return "permission denied" }
        if error.domain == NSCocoaErrorDomain, error.code == NSFileReadNoSuchFileError { return "no such file" }
        return error.localizedDescription
    }
}
