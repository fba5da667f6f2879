import Manifests
import Platform
import Support

/// Rules about references inside one environment's build: sources, dependencies, cycles, duplicates.
enum GraphRules {
    /// - Parameter alsoDeclared: what the same cluster declares through another entry (an environment
    ///   whose render applies this one's entry too).
    static func check(_ scope: EnvironmentScope, alsoDeclared: Set<ObjectReference> = []) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        let objects = scope.objects
        // What the build declares: its objects, the ExternalArtifacts its ArtifactGenerators create, the
        // sync objects of a FluxInstance, and, before `flux bootstrap` has written gotk-sync.yaml (a new
        // sandbox), the GitRepository it will write.
        var index = Set(objects.compactMap { $0.name == nil ? nil : $0.reference } + objects.compactMap(ArtifactGenerator.init).flatMap(\.artifacts)
                        + objects.compactMap(FluxInstance.init).flatMap(\.syncObjects) + (scope.environment.instance?.syncObjects ?? []))
        if scope.environment.entry == nil, scope.environment.instance == nil { index.insert(FluxAPI.bootstrapSource) }
        index.formUnion(alsoDeclared)
        let name = scope.environment.name
        // What a Kustomization that could not be read offline declares is unknown: a reference that
        // may point into it is a warning that says so, not an error.
        let severity: Severity = scope.unavailable.isEmpty ? .error : .warning
        let unknown = scope.unavailable.isEmpty ? "" : "; \(scope.unavailable.count) Kustomization\(scope.unavailable.count == 1 ? "" : "s") of \(name) could not be rendered offline "
            + "(\(scope.unavailable.prefix(3).map(\.kustomization).joined(separator: ", "))\(scope.unavailable.count > 3 ? ", …" : "")), so it may be declared there"

        func location(_ object: KubernetesObject, _ path: [String]) -> SourceLocation { scope.location(object, path) }

        // Sources.
        for kustomization in objects.compactMap(FluxKustomization.init) {
            if let ref = kustomization.sourceRef, !index.contains(ref) {
                findings.append(CheckFinding(.danglingSourceRef, severity, at: location(kustomization.object, ["spec", "sourceRef"]),
                                             "\(kustomization.object.displayName) uses \(ref), which \(name) does not declare" + unknown,
                                             hint: "declare the source, or fix the sourceRef name, kind or namespace"))
            }
        }
        for release in objects.compactMap(HelmRelease.init) {
            let refs: [(ObjectReference, [String])] = [
                release.chart?.sourceRef.map { ($0, ["spec", "chart", "spec", "sourceRef"]) },
                release.chartRef.map { ($0, ["spec", "chartRef"]) },
            ].compactMap { $0 }
            for (ref, path) in refs where !index.contains(ref) {
                findings.append(CheckFinding(.danglingSourceRef, severity, at: location(release.object, path),
                                             "\(release.object.displayName) uses \(ref), which \(name) does not declare" + unknown,
                                             hint: "declare the \(ref.kind), or fix the reference"))
            }
        }

        // Dependencies, per kind (Flux only lets a kind depend on its own kind).
        let kustomizations = objects.compactMap(FluxKustomization.init).map { ($0.object, $0.dependsOn) }
        let releases = objects.compactMap(HelmRelease.init).map { ($0.object, $0.dependsOn) }
        for nodes in [kustomizations, releases] {
            for (object, dependencies) in nodes {
                for (offset, dependency) in dependencies.enumerated() where !index.contains(dependency) {
                    findings.append(CheckFinding(.danglingDependsOn, severity, at: scope.location(object, item: offset, of: ["spec", "dependsOn"]),
                                                 "\(object.displayName) depends on \(dependency), which \(name) does not declare" + unknown,
                                                 hint: "declare it, or remove the dependency"))
                }
            }
            findings += cycles(nodes, scope: scope)
        }

        // Duplicates: one API group/kind/namespace/name applied twice with different content. The same
        // object applied by two Kustomizations (a Namespace or Secret that a shared component makes,
        // labels aside) is applied as one; different specs or data flap on every reconciliation.
        func content(_ object: KubernetesObject) -> String {
            object.root.removing(["metadata", "labels"]).removing(["metadata", "annotations"]).yamlText()
        }
        func by(_ index: Int) -> String { scope.appliedBy[index].map { $0 == PlatformRenderer.entryLabel ? " (applied by \(name)'s entry)" : " (applied by Kustomization \($0))" } ?? "" }
        var first: [String: (Int, KubernetesObject)] = [:]
        for (index, object) in objects.enumerated().sorted(by: { $0.1.location < $1.1.location }) {
            guard let objectName = object.name, object.group != KustomizeFile.group else { continue }
            let key = "\(object.group)/\(object.kind)/\(object.effectiveNamespace)/\(objectName)"
            if let (earlierIndex, earlier) = first[key] {
                guard content(earlier) != content(object) else { continue }
                findings.append(CheckFinding(.duplicateObject, .error, at: object.location,
                                             "\(object.apiVersion) \(object.displayName) is applied twice in \(name) with different content: here\(by(index)) and at \(earlier.location)\(by(earlierIndex))",
                                             hint: "keep one of them; two Kustomizations applying different content undo each other on every reconciliation"))
            } else {
                first[key] = (index, object)
            }
        }
        return findings
    }

    /// Every elementary cycle found by depth-first search, reported once each.
    private static func cycles(_ nodes: [(KubernetesObject, [ObjectReference])], scope: EnvironmentScope) -> [CheckFinding] {
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
                        findings.append(CheckFinding(.dependsOnCycle, .error, at: scope.location(object, ["spec", "dependsOn"]),
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
}
