import Manifests
import Platform
import Support

/// `depends-on-cycle`: Flux never becomes ready on a dependsOn cycle; every elementary cycle found by
/// depth-first search is reported once, printed in full.
enum DependsOnCycleRule: ScopeRule {
    static let id = CheckRule.dependsOnCycle
    static let severity = RuleSeverity.error
    static let summary = "no dependsOn cycle; a cycle is printed"

    static func check(_ scope: EnvironmentScope, _ declared: Declarations) -> [CheckFinding] {
        DanglingDependsOnRule.nodes(scope).flatMap { cycles($0, scope: scope) }
    }

    private static func cycles(_ nodes: [(KubernetesObject, [ObjectReference])], scope: EnvironmentScope)
        -> [CheckFinding]
    {
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
                        findings.append(
                            CheckFinding(
                                id, .error, at: scope.location(object, ["spec", "dependsOn"]),
                                "dependsOn cycle: \(path)",
                                hint: "Flux never becomes ready on a cycle; remove one dependency"))
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
