import Manifests
import Platform
import Support

/// `dangling-depends-on`: every `dependsOn` names an object the environment declares, of the same kind
/// (Flux lets a Kustomization depend only on Kustomizations, a HelmRelease only on HelmReleases), its
/// namespace defaulting to the object's own.
enum DanglingDependsOnRule: ScopeRule {
    static let id = CheckRule.danglingDependsOn
    static let severity = RuleSeverity.error
    static let summary = "every dependsOn resolves"

    /// Kustomizations and HelmReleases with their dependencies, per kind.
    static func nodes(_ scope: EnvironmentScope) -> [[(KubernetesObject, [ObjectReference])]] {
        [
            scope.objects.compactMap(FluxKustomization.init).map { ($0.object, $0.dependsOn) },
            scope.objects.compactMap(HelmRelease.init).map { ($0.object, $0.dependsOn) },
        ]
    }

    static func check(_ scope: EnvironmentScope, _ declared: Declarations) -> [CheckFinding] {
        nodes(scope).flatMap { nodes in
            nodes.flatMap { object, dependencies in
                dependencies.enumerated().filter { !declared.contains($0.element) }.map { offset, dependency in
                    CheckFinding(
                        id, declared.severity(for: dependency),
                        at: scope.location(object, item: offset, of: ["spec", "dependsOn"]),
                        "\(object.displayName) depends on \(dependency), which \(scope.environment.name) does not declare"
                            + declared.unknown(for: dependency),
                        hint: "declare it, or remove the dependency")
                }
            }
        }
    }
}
