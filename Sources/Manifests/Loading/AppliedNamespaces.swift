import Support

/// The namespace Flux applies Flux objects in, where a file's own `metadata.namespace` is not the
/// last word: kustomize's `namespace:` sets it for everything a kustomization.yaml holds (the
/// outermost one that sets it wins, since it runs last), and a Flux Kustomization's `targetNamespace`
/// is applied outside all of them. Read without building, for what reads files (status, adopt's
/// comments, check where a path cannot be built); render builds it exactly.
///
/// Only namespaced Flux kinds are moved: the objects these readers list. A path this reader cannot
/// follow (a remote base, a file outside the repository) leaves its objects as written.
public enum AppliedNamespaces {
    static let fluxKinds: Set<String> = [
        "Kustomization", "HelmRelease", "FluxInstance", "ResourceSet", "GitRepository", "OCIRepository",
        "HelmRepository", "Bucket", "HelmChart",
    ]

    /// `objects` with the namespace Flux gives each. Every Flux Kustomization among them is a root:
    /// it applies its `path` (the directory, relative to the repository root) with its
    /// `targetNamespace`; `roots` adds directories applied as they are (an environment's directory).
    public static func apply(to objects: [KubernetesObject], roots: [String]) -> [KubernetesObject] {
        var byFile: [String: [Int]] = [:]
        for (index, object) in objects.enumerated() { byFile[object.location.path, default: []].append(index) }
        let kustomizationFiles = Dictionary(
            objects.compactMap { object in KustomizeFile(object).map { (object.location.path, $0) } },
            uniquingKeysWith: { first, _ in first })
        let walker = Walker(files: Set(byFile.keys), kustomizationFiles: kustomizationFiles)
        // The most specific root decides: a file an app's Kustomization applies is in its namespace, not
        // in that of the entry whose directory also holds it.
        var decided: [String: (depth: Int, namespace: String?)] = [:]
        var starts = roots.map { (path: normalized($0), namespace: String?.none) }
        for object in objects where object.kind == "Kustomization" && object.group == FluxAPI.kustomizeGroup {
            let spec = object.root["spec"]
            guard let path = spec?.string(at: ["path"]) else { continue }
            starts.append((Self.normalized(path), spec?.string(at: ["targetNamespace"])))
        }
        for start in starts {
            let depth = start.path.split(separator: "/").count
            for (file, namespace) in walker.walk(directory: start.path, namespace: start.namespace)
            where decided[file].map({ $0.depth <= depth }) ?? true {
                decided[file] = (depth, namespace)
            }
        }
        var result = objects
        for (file, decision) in decided {
            guard let namespace = decision.namespace else { continue }
            for index in byFile[file] ?? [] where fluxKinds.contains(result[index].kind) {
                result[index].namespace = namespace
            }
        }
        return result
    }

    /// The files of `objects` that Flux applies from `roots` (each root's kustomization files followed,
    /// or everything beneath a root without one), and from the paths of the Flux Kustomizations among
    /// them: a file a kustomization.yaml leaves out (or comments out) is not applied.
    public static func applied(_ objects: [KubernetesObject], roots: [String]) -> Set<String> {
        let files = Set(objects.map(\.location.path))
        let kustomizationFiles = Dictionary(
            objects.compactMap { object in KustomizeFile(object).map { (object.location.path, $0) } },
            uniquingKeysWith: { first, _ in first })
        let walker = Walker(files: files, kustomizationFiles: kustomizationFiles)
        var applied: Set<String> = []
        var pending = roots.map(normalized)
        var seen: Set<String> = []
        while let root = pending.popLast() {
            guard seen.insert(root).inserted else { continue }
            let reached = walker.walk(directory: root, namespace: nil).keys
            applied.formUnion(reached)
            for object in objects where reached.contains(object.location.path) {
                guard object.kind == "Kustomization", object.group == FluxAPI.kustomizeGroup,
                    let path = object.root["spec"]?.string(at: ["path"])
                else { continue }
                pending.append(normalized(path))
            }
        }
        // Kustomization files themselves are read, not applied; keep them so their objects stay known.
        return applied.union(kustomizationFiles.keys)
    }

    /// `./apps/x/` → `apps/x`.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }

    private struct Walker {
        let files: Set<String>
        let kustomizationFiles: [String: KustomizeFile]

        /// Every loaded file `directory` applies, with the namespace kustomize gives it (nil: its own).
        func walk(directory: String, namespace: String?) -> [String: String?] {
            var result: [String: String?] = [:]
            var visited: Set<String> = []
            visit(directory, namespace: namespace, into: &result, visited: &visited)
            return result
        }

        private func visit(
            _ directory: String, namespace: String?, into result: inout [String: String?], visited: inout Set<String>
        ) {
            guard visited.insert(directory).inserted, visited.count < 10_000 else { return }
            let prefix = directory.isEmpty ? "" : directory + "/"
            let file = ["kustomization.yaml", "kustomization.yml", "Kustomization"].lazy.map { prefix + $0 }.first {
                kustomizationFiles[$0] != nil
            }
            guard let file, let kustomization = kustomizationFiles[file] else {
                // Flux writes a kustomization.yaml that lists every file beneath, down to directories
                // that have their own.
                for candidate in files where candidate.hasPrefix(prefix) {
                    let rest = candidate.dropFirst(prefix.count)
                    if let slash = rest.firstIndex(of: "/") {
                        visit(prefix + rest[..<slash], namespace: namespace, into: &result, visited: &visited)
                    } else {
                        result[candidate] = namespace
                    }
                }
                return
            }
            let inner = namespace ?? kustomization.namespace
            for entry in kustomization.resources + kustomization.components where !entry.contains("://") {
                let path = AppliedNamespaces.normalized(prefix + entry)
                if files.contains(path) {
                    result[path] = inner
                } else {
                    visit(path, namespace: inner, into: &result, visited: &visited)
                }
            }
        }
    }
}
