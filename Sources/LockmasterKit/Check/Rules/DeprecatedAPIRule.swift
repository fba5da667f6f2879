import Foundation
import Manifests
import Platform
import Support

/// `deprecated-api`: Flux API versions judged by the Flux each environment installs, and, at
/// `--kube-version`, Kubernetes built-in API versions. The tables are data in APIDeprecations.swift.
enum DeprecatedAPIRule: Rule {
    static let id = CheckRule.deprecatedAPI
    static let severity = RuleSeverity.errorOrWarning
    static let summary = "Flux APIs its Flux removed (error) or deprecated (warning); Kubernetes APIs at --kube-version"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        flux(scopes: input.scopes.map(\.scope), all: input.objects, root: input.root)
            + kubernetes(input.objects, kubeMinor: input.kubeMinor)
    }

    /// Flux APIs: an error where the environment's release no longer serves the API, else a warning whose
    /// fix names the release that serves the replacement. An object several environments apply gets the
    /// most severe verdict; one that no environment applies is judged against current Flux.
    static func flux(scopes: [EnvironmentScope], all: [KubernetesObject], root: URL) -> [CheckFinding] {
        var verdicts: [SourceLocation: CheckFinding] = [:]
        func judge(_ object: KubernetesObject, at location: SourceLocation, release: FluxRelease, environment: String?)
        {
            guard
                let entry = APIDeprecations.match(
                    APIDeprecations.flux, apiVersion: object.apiVersion, kind: object.kind)
            else { return }
            let since = entry.replacementSinceFlux ?? 0
            let subject = "\(object.kind) \(object.apiVersion)"
            let place =
                environment.map {
                    release == .unknown
                        ? " (\($0): no Flux version in git, so current Flux is assumed)"
                        : " (\($0) installs \(release.description))"
                } ?? ""
            let finding: CheckFinding
            if !release.serves(removedIn: entry.removedInFlux), let removed = entry.removedInFlux {
                finding = CheckFinding(
                    id, .error, at: location,
                    "\(subject) is not served by \(release.description)\(place): Flux 2.\(removed) removed it",
                    hint: "use \(entry.replacement), served since Flux 2.\(since)")
            } else if release.serves(since: since) {
                let removal = entry.removedInFlux.map { " and removed in Flux 2.\($0)" } ?? ""
                finding = CheckFinding(
                    id, .warning, at: location, "\(subject) is deprecated\(removal)\(place)",
                    hint: "use \(entry.replacement), served since Flux 2.\(since)")
            } else {
                finding = CheckFinding(
                    id, .warning, at: location,
                    "\(subject) is deprecated\(place); \(entry.replacement) needs Flux 2.\(since)",
                    hint: "upgrade Flux to 2.\(since) or later, then use \(entry.replacement)")
            }
            if let earlier = verdicts[location], earlier.severity == .error || finding.severity == .warning { return }
            verdicts[location] = finding
        }
        var judged = Set<SourceLocation>()
        for scope in scopes {
            let release = FluxRelease.installed(by: scope.environment, root: root)
            for object in scope.objects {
                let location = scope.location(object, ["apiVersion"])
                judged.insert(object.location)
                judge(object, at: location, release: release, environment: scope.environment.name)
            }
        }
        for object in all where !judged.contains(object.location) {
            judge(object, at: object.location(of: ["apiVersion"]), release: .unknown, environment: nil)
        }
        return Array(verdicts.values)
    }

    /// Kubernetes built-ins at `--kube-version`.
    static func kubernetes(_ objects: [KubernetesObject], kubeMinor: Int?) -> [CheckFinding] {
        objects.compactMap { object in
            guard let minor = kubeMinor,
                let entry = APIDeprecations.match(
                    APIDeprecations.kubernetes, apiVersion: object.apiVersion, kind: object.kind)
            else {
                return nil
            }
            if let removed = entry.removedIn, minor >= removed {
                return CheckFinding(
                    id, .error, at: object.location(of: ["apiVersion"]),
                    "\(object.kind) \(object.apiVersion) is not served by Kubernetes 1.\(minor) (removed in 1.\(removed))",
                    hint: "use \(entry.replacement)")
            }
            if let deprecated = entry.deprecatedIn, minor >= deprecated {
                return CheckFinding(
                    id, .warning, at: object.location(of: ["apiVersion"]),
                    "\(object.kind) \(object.apiVersion) is deprecated in Kubernetes 1.\(minor)"
                        + (entry.removedIn.map { " and removed in 1.\($0)" } ?? ""),
                    hint: "use \(entry.replacement)")
            }
            return nil
        }
    }
}
