import Manifests
import Platform
import Support

/// Rules about references inside one environment's build: sources, dependencies, cycles, duplicates.
enum GraphRules {
    static func check(_ scope: EnvironmentScope) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        let objects = scope.objects
        // What the build declares: its objects, the ExternalArtifacts its ArtifactGenerators create, the
        // sync objects of a FluxInstance, and, before `flux bootstrap` has written gotk-sync.yaml (a new
        // sandbox), the GitRepository it will write.
        var index = Set(objects.compactMap { $0.name == nil ? nil : $0.reference } + objects.compactMap(ArtifactGenerator.init).flatMap(\.artifacts)
                        + objects.compactMap(FluxInstance.init).flatMap(\.syncObjects))
        if scope.environment.entry == nil, scope.environment.instance == nil { index.insert(FluxAPI.bootstrapSource) }
        let name = scope.environment.name

        func location(_ object: KubernetesObject, _ path: [String]) -> SourceLocation { object.location(of: path) }

        // Sources.
        for kustomization in objects.compactMap(FluxKustomization.init) {
            if let ref = kustomization.sourceRef, !index.contains(ref) {
                findings.append(CheckFinding(.danglingSourceRef, .error, at: location(kustomization.object, ["spec", "sourceRef"]),
                                             "\(kustomization.object.displayName) uses \(ref), which \(name) does not declare",
                                             hint: "declare the source, or fix the sourceRef name, kind or namespace"))
            }
        }
        for release in objects.compactMap(HelmRelease.init) {
            let refs: [(ObjectReference, [String])] = [
                release.chart?.sourceRef.map { ($0, ["spec", "chart", "spec", "sourceRef"]) },
                release.chartRef.map { ($0, ["spec", "chartRef"]) },
            ].compactMap { $0 }
            for (ref, path) in refs where !index.contains(ref) {
                findings.append(CheckFinding(.danglingSourceRef, .error, at: location(release.object, path),
                                             "\(release.object.displayName) uses \(ref), which \(name) does not declare",
                                             hint: "declare the \(ref.kind), or fix the reference"))
            }
        }

        // Dependencies, per kind (Flux only lets a kind depend on its own kind).
        let kustomizations = objects.compactMap(FluxKustomization.init).map { ($0.object, $0.dependsOn) }
        let releases = objects.compactMap(HelmRelease.init).map { ($0.object, $0.dependsOn) }
        for nodes in [kustomizations, releases] {
            for (object, dependencies) in nodes {
                for (offset, dependency) in dependencies.enumerated() where !index.contains(dependency) {
                    findings.append(CheckFinding(.danglingDependsOn, .error, at: dependencyLocation(object, offset),
                                                 "\(object.displayName) depends on \(dependency), which \(name) does not declare",
                                                 hint: "declare it, or remove the dependency"))
                }
            }
            findings += cycles(nodes)
        }

        // Duplicates: the same kind/namespace/name twice in one build.
        var first: [String: KubernetesObject] = [:]
        for object in objects.sorted(by: { $0.location < $1.location }) {
            guard let objectName = object.name, object.group != KustomizeFile.group else { continue }
            let key = "\(object.group)/\(object.kind)/\(object.effectiveNamespace)/\(objectName)"
            if let earlier = first[key] {
                findings.append(CheckFinding(.duplicateObject, .error, at: object.location,
                                             "\(object.displayName) is declared twice in \(name): here and at \(earlier.location)",
                                             hint: "keep one of them"))
            } else {
                first[key] = object
            }
        }
        return findings
    }

    /// Every elementary cycle found by depth-first search, reported once each.
    private static func cycles(_ nodes: [(KubernetesObject, [ObjectReference])]) -> [CheckFinding] {
        var edges: [ObjectReference: [ObjectReference]] = [:]
        var objects: [ObjectReference: KubernetesObject] = [:]
        for (object, dependencies) in nodes {
            edges[object.reference] = dependencies
            objects[object.reference] = object
        }
        var findings: [CheckFinding] = []
        var reported: Set<Set<ObjectReference>> = []
        var state: [ObjectReference: Int] = [:]  // 1 visiting, 2 done
        var stack: [ObjectReference] = []
        func visit(_ node: ObjectReference) {
            state[node] = 1
            stack.append(node)
            for next in edges[node] ?? [] where objects[next] != nil {
                if state[next] == 1, let start = stack.firstIndex(of: next) {
                    let cycle = Array(stack[start...])
                    if reported.insert(Set(cycle)).inserted, let object = objects[next] {
                        let path = (cycle + [next]).map { "\($0.namespace)/\($0.name)" }.joined(separator: " → ")
                        findings.append(CheckFinding(.dependsOnCycle, .error, at: object.location(of: ["spec", "dependsOn"]),
                                                     "dependsOn cycle: \(path)", hint: "Flux never becomes ready on a cycle; remove one dependency"))
                    }
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[node] = 2
        }
        for (object, _) in nodes.sorted(by: { $0.0.location < $1.0.location }) where state[object.reference] == nil {
            visit(object.reference)
        }
        return findings
    }

    /// Where the `offset`th entry of `spec.dependsOn` is written.
    private static func dependencyLocation(_ object: KubernetesObject, _ offset: Int) -> SourceLocation {
        guard let items = object.root.node(at: ["spec", "dependsOn"])?.items, items.indices.contains(offset) else {
            return object.location(of: ["spec", "dependsOn"])
        }
        return SourceLocation(path: object.location.path, line: items[offset].position.line, column: items[offset].position.column)
    }
}
