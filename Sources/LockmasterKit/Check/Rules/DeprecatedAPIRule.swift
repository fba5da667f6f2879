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
        flux(
            scopes: input.scopes.map(\.scope), root: input.root, settings: input.repository.settings,
            base: input.baseFlux) + kubernetes(input.objects, kubeMinor: input.kubeMinor)
    }

    /// Flux APIs, for the objects Flux applies: an error where the environment's release is known and no
    /// longer serves the API; a warning where no release is known (what would make it certain is said),
    /// or where the API is only deprecated, whose fix names the release that serves the replacement. An
    /// object several environments apply gets the most severe verdict.
    static func flux(
        scopes: [EnvironmentScope], root: URL, settings: LockmasterSettings,
        base: [String: (release: FluxRelease, source: String?)] = [:]
    ) -> [CheckFinding] {
        var verdicts: [SourceLocation: CheckFinding] = [:]
        func judge(
            _ object: KubernetesObject, at location: SourceLocation, release: FluxRelease, source: String?,
            environment: String
        ) {
            guard
                let entry = APIDeprecations.match(
                    APIDeprecations.flux, apiVersion: object.apiVersion, kind: object.kind)
            else { return }
            let since = entry.replacementSinceFlux ?? 0
            let subject = "\(object.kind) \(object.apiVersion)"
            let place =
                release == .unknown
                ? " (\(environment): no Flux version in git)"
                : " (\(environment) installs \(release.description)" + (source.map { ", from \($0)" } ?? "") + ")"
            let finding: CheckFinding
            if release == .unknown, let removed = entry.removedInFlux {
                // Flux 2.`removed` and later refuse it; whether this environment runs such a Flux is not known.
                finding = CheckFinding(
                    id, .warning, at: location,
                    "\(subject) is removed in Flux 2.\(removed)\(place): an error if \(environment) runs Flux 2.\(removed) or later",
                    hint:
                        "use \(entry.replacement), served since Flux 2.\(since); or set fluxVersion for \(environment) in lockmaster.yaml to make this certain"
                )
            } else if !release.serves(removedIn: entry.removedInFlux), let removed = entry.removedInFlux {
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
                    "\(subject) is served\(place), and replaced by \(entry.replacement) from Flux 2.\(since)",
                    hint: "upgrade Flux to 2.\(since) or later, then use \(entry.replacement)")
            }
            if let earlier = verdicts[location], earlier.severity == .error || finding.severity == .warning { return }
            verdicts[location] = finding
        }
        for scope in scopes {
            let (release, source) = FluxRelease.stricter(
                FluxRelease.installed(by: scope.environment, root: root, settings: settings),
                base[scope.environment.name])
            for object in scope.objects {
                judge(
                    object, at: scope.location(object, ["apiVersion"]), release: release, source: source,
                    environment: scope.environment.name)
            }
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
