import Manifests
import Platform
import Support

/// Where a Kustomization that could not be rendered is declared: its `spec.path`, else the environment's
/// entry or first object.
private func problemLocation(_ problem: RenderProblem, scope: EnvironmentScope) -> (SourceLocation, String) {
    let environment = scope.environment
    let declared = scope.objects.first { object in
        FluxKustomization(object) != nil && KustomizationID(object) == problem.kustomization
    }
    let location =
        declared.map { scope.location($0, ["spec", "path"]) } ?? environment.entry?.object.location
        ?? environment.objects.first?.location ?? SourceLocation(path: environment.directory)
    let subject =
        problem.kustomization == .entry
        ? "\(environment.name)'s entry \(problem.path)" : "Kustomization \(problem.kustomization) (\(problem.path))"
    return (location, subject)
}

/// `build-failed`: a path of this repository that kustomize cannot build; Flux cannot apply it either.
enum BuildFailedRule: ScopeRule {
    static let id = CheckRule.buildFailed
    static let severity = RuleSeverity.error
    static let summary = "a path of this repository kustomize cannot build"

    static func check(_ scope: EnvironmentScope, _ declared: Declarations) -> [CheckFinding] {
        scope.problems.filter { $0.cause == .build }.map { problem in
            let (location, subject) = problemLocation(problem, scope: scope)
            return CheckFinding(
                id, .error, at: location, "\(subject) cannot be built, so Flux cannot apply it: \(problem.message)",
                hint:
                    "fix the kustomization (lockmaster render \(scope.environment.name) shows the build); its files were checked as written"
            )
        }
    }
}

/// `not-rendered`: content not readable offline (another repository, a registry, a source made in the
/// cluster, remote resources). A Kustomization whose source is declared nowhere is left to
/// `dangling-source-ref`.
enum NotRenderedRule: ScopeRule {
    static let id = CheckRule.notRendered
    static let severity = RuleSeverity.warning
    static let summary = "content not readable offline: another repository, a registry, a remote resource"

    static func check(_ scope: EnvironmentScope, _ declared: Declarations) -> [CheckFinding] {
        scope.problems.compactMap { problem in
            let hint: String
            switch problem.cause {
            case .remote:
                hint = "its own files were checked as written; what the remote resources declare is not known here"
            case .unavailable: hint = "references into what it applies are not judged"
            case .build, .undeclared: return nil
            }
            let (location, subject) = problemLocation(problem, scope: scope)
            return CheckFinding(
                id, .warning, at: location, "\(subject) is not rendered offline: \(problem.message)", hint: hint)
        }
    }
}

/// `parse-error`: YAML that cannot be read, at its line and column.
enum ParseErrorRule: Rule {
    static let id = CheckRule.parseError
    static let severity = RuleSeverity.error
    static let summary = "YAML that cannot be read"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        input.diagnostics.map {
            CheckFinding(id, .error, at: $0.location ?? SourceLocation(path: "."), $0.message, hint: $0.hint)
        }
    }
}
