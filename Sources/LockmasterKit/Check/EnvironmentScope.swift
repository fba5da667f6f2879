import Foundation
import Manifests
import Platform
import Support

/// The objects one environment applies, for the reference and identity rules: rendered as Flux builds
/// them (namespaces, prefixes, components and unlisted files counted as kustomize counts them), or,
/// where a path cannot be built, read from its files.
struct EnvironmentScope {
    var environment: PlatformEnvironment
    var objects: [KubernetesObject]
    /// For a rendered object, the document it is built from (keyed by that document's location): its
    /// positions locate findings, since a rendered node's positions are in kustomize's output.
    var origins: [SourceLocation: KubernetesObject] = [:]
    /// Whether `objects` are rendered (then an object with no origin is located at its file only).
    var rendered = false
    /// Kustomizations whose content could not be read offline: references into them cannot be judged.
    var unavailable: [RenderProblem] = []
    /// Every Kustomization of the environment that could not be rendered, and why.
    var problems: [RenderProblem] = []
    /// For rendered objects, `namespace/name` of the Flux Kustomization that applies each (by index).
    var appliedBy: [Int: KustomizationID] = [:]

    /// Where the node at `path` of `object` is written.
    func location(_ object: KubernetesObject, _ path: [String]) -> SourceLocation {
        if let origin = origins[object.location] { return origin.location(of: path) }
        return rendered ? object.location : object.location(of: path)
    }

    /// Where the `offset`th item of the sequence at `path` is written.
    func location(_ object: KubernetesObject, item offset: Int, of path: [String]) -> SourceLocation {
        let written = origins[object.location] ?? (rendered ? nil : object)
        guard let written, let items = written.root.node(at: path)?.items, items.indices.contains(offset) else {
            return location(object, path)
        }
        return SourceLocation(
            path: written.location.path, line: items[offset].position.line, column: items[offset].position.column)
    }

    /// Its own directory, and every directory its Flux Kustomizations point at (followed recursively),
    /// read from the work tree. For OCI-sourced Kustomizations the artifact holds the repository's
    /// platform paths, so the same paths apply.
    static func build(_ environment: PlatformEnvironment, all: [KubernetesObject]) -> EnvironmentScope {
        EnvironmentScope(
            environment: environment,
            objects: files(from: environment.objects, directories: [environment.directory], all: all))
    }

    /// `objects`, and the files under every path their Flux Kustomizations name (outside `directories`).
    /// With a `scanner`, a path whose kustomization Lockmaster reads exactly gives only the files it lists as
    /// resources, as kustomize counts them: an unlisted file is never applied.
    static func files(
        from objects: [KubernetesObject], directories: Set<String>, all: [KubernetesObject],
        scanner: BuildInputScanner? = nil
    ) -> [KubernetesObject] {
        var directories = directories
        var pending = objects.compactMap(FluxKustomization.init)
        var objects = objects
        var seen = Set(objects.map(\.location))
        while let kustomization = pending.popLast() {
            let path = kustomization.normalizedPath
            guard !path.isEmpty, !directories.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else {
                continue
            }
            directories.insert(path)
            let listed = scanner.flatMap { Self.listed(at: path, spec: kustomization.object.root["spec"], by: $0) }
            for object in all
            where (listed?.contains(object.location.path) ?? object.location.path.hasPrefix(path + "/"))
                && !seen.contains(object.location)
            {
                seen.insert(object.location)
                objects.append(object)
                if let nested = FluxKustomization(object) { pending.append(nested) }
            }
        }
        return objects
    }

    /// The environment as rendered from the work tree. A path that could not be built is read from its
    /// files instead; one whose content is elsewhere is listed in `unavailable`.
    static func rendered(_ environment: PlatformEnvironment, report: RenderReport, root: URL, all: [KubernetesObject])
        -> EnvironmentScope
    {
        var documents: [String: [KubernetesObject]] = [:]
        for object in all { documents[object.location.path, default: []].append(object) }
        let loader = ManifestLoader(root: root)
        var scope = EnvironmentScope(environment: environment, objects: [], rendered: true)
        for rendered in report.objects {
            let path = rendered.source ?? environment.directory
            if documents[path] == nil, rendered.source != nil {
                // The origin names a file the build read; it is read again only inside the repository.
                var set = ManifestSet()
                if let data = RepositoryFile.contents(path, in: root) {
                    loader.read(data: data, path: path, into: &set)
                }
                documents[path] = set.objects
            }
            let origin = Self.origin(of: rendered, among: documents[path] ?? [])
            let object = KubernetesObject(
                apiVersion: rendered.apiVersion, kind: rendered.kind, name: rendered.name,
                namespace: rendered.namespace,
                location: origin?.location ?? SourceLocation(path: path), documentIndex: origin?.documentIndex ?? 0,
                root: rendered.node)
            if let origin { scope.origins[origin.location] = origin }
            scope.appliedBy[scope.objects.count] = rendered.kustomization
            scope.objects.append(object)
        }
        // A path of this repository that was not built is read from its files, so its references are
        // still checked and what it declares still counts.
        // Its Flux Kustomization's targetNamespace still applies to what it declares.
        for problem in report.problems where problem.cause == .build || problem.cause == .remote {
            let path = PathNormalizer.normalize(problem.path)
            let owner = scope.objects.first {
                FluxKustomization($0) != nil && KustomizationID($0) == problem.kustomization
            }
            let target = owner?.root.string(at: ["spec", "targetNamespace"])
            let scanner = BuildInputScanner(root: root)
            let listed = Self.listed(at: path, spec: owner?.root["spec"], by: scanner)
            let written = all.filter { listed?.contains($0.location.path) ?? $0.location.path.hasPrefix(path + "/") }
            scope.objects += files(from: written, directories: [path], all: all, scanner: scanner).map { object in
                guard let target, !clusterScoped.contains(object.kind) else { return object }
                var moved = object
                moved.namespace = target
                return moved
            }
        }
        scope.unavailable = report.problems.filter { $0.cause == .unavailable }
        scope.problems = report.problems
        return scope
    }

    /// The files whose documents building `path` emits, when every construct of its kustomizations is one
    /// Lockmaster reads exactly; nil otherwise (then every file under it is read).
    static func listed(at path: String, spec: YAMLNode?, by scanner: BuildInputScanner) -> Set<String>? {
        let inputs = scanner.scan(path: path, spec: spec)
        return inputs.violations.isEmpty ? inputs.resources : nil
    }

    /// Kinds a namespace transformer leaves alone (the common built-ins).
    static let clusterScoped: Set<String> = [
        "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PriorityClass",
        "StorageClass", "PersistentVolume", "IngressClass", "RuntimeClass", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration", "APIService", "CSIDriver", "VolumeSnapshotClass",
    ]

    /// The document a rendered object comes from: same kind, and the same name or one that a prefix,
    /// suffix or substitution changed; else the only document of its kind in the file.
    static func origin(of rendered: RenderedObject, among documents: [KubernetesObject]) -> KubernetesObject? {
        let sameKind = documents.filter { $0.kind == rendered.kind }
        if let exact = sameKind.first(where: { $0.name == rendered.name }) { return exact }
        if let changed = sameKind.first(where: { ($0.name).map { !$0.isEmpty && rendered.name.contains($0) } ?? false })
        {
            return changed
        }
        return sameKind.count == 1 ? sameKind[0] : nil
    }
}
