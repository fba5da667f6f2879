import Manifests
import Platform
import Support

/// `unverified-source`: with trusted keys configured, an environment that runs published artifacts (a
/// range or a pin) has an OCIRepository with `spec.verify`; without it the cluster applies an unsigned
/// artifact, and the signatures protect nothing there.
enum UnverifiedSourceRule: Rule {
    static let id = CheckRule.unverifiedSource
    static let severity = RuleSeverity.warning
    static let summary = "signing.trustedKeys set, but a range or pinned environment's OCIRepository has no spec.verify"

    static func check(_ repository: PlatformRepository) -> [CheckFinding] {
        guard !repository.settings.signing.trustedKeys.isEmpty else { return [] }
        return repository.environments.compactMap { environment in
            guard [.tracksRange, .pinned].contains(environment.classification.kind), case let .oci(source) = environment.source,
                  source.verify == nil else { return nil }
            return CheckFinding(id, .warning, at: source.object.location(of: ["spec"]),
                                "\(environment.name)'s OCIRepository \(source.object.name ?? "") does not verify signatures: its cluster applies unsigned artifacts",
                                hint: "add spec.verify {provider: cosign, secretRef: {name: cosign-pub}} and a Secret holding the public key as cosign.pub")
        }
    }
}
