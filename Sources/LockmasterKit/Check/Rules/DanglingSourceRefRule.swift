import Manifests
import Platform
import Support

/// `dangling-source-ref`: every Kustomization `sourceRef` and HelmRelease chart source (`chart.spec.sourceRef`,
/// `chartRef`) names a source the environment declares.
enum DanglingSourceRefRule: ScopeRule {
    static let id = CheckRule.danglingSourceRef
    static let severity = RuleSeverity.error
    static let summary = "every sourceRef and chartRef resolves"

    static func check(_ scope: EnvironmentScope, _ declared: Declarations) -> [CheckFinding] {
        let name = scope.environment.name
        var findings: [CheckFinding] = []
        for kustomization in scope.objects.compactMap(FluxKustomization.init) {
            guard let ref = kustomization.sourceRef, !declared.contains(ref) else { continue }
            findings.append(
                CheckFinding(
                    id, declared.severity(for: ref), at: scope.location(kustomization.object, ["spec", "sourceRef"]),
                    "\(kustomization.object.displayName) uses \(ref), which \(name) does not declare"
                        + declared.unknown(for: ref),
                    hint: "declare the source, or fix the sourceRef name, kind or namespace"))
        }
        for release in scope.objects.compactMap(HelmRelease.init) {
            let refs: [(ObjectReference, [String])] = [
                release.chart?.sourceRef.map { ($0, ["spec", "chart", "spec", "sourceRef"]) },
                release.chartRef.map { ($0, ["spec", "chartRef"]) },
            ].compactMap { $0 }
            for (ref, path) in refs where !declared.contains(ref) {
                findings.append(
                    CheckFinding(
                        id, declared.severity(for: ref), at: scope.location(release.object, path),
                        "\(release.object.displayName) uses \(ref), which \(name) does not declare"
                            + declared.unknown(for: ref),
                        hint: "declare the \(ref.kind), or fix the reference"))
            }
        }
        return findings
    }
}
