import Manifests
import Platform
import Support

/// `unverified-source`: with trusted keys configured, an environment that runs published artifacts (a
/// range or a pin) has an OCIRepository with `spec.verify`; without it the cluster applies an unsigned
/// artifact, and the signatures protect nothing there.
enum UnverifiedSourceRule: RepositoryRule {
    static let id = CheckRule.unverifiedSource
    static let severity = RuleSeverity.warning
    static let summary = "signing.trustedKeys set, but a range or pinned environment's OCIRepository has no spec.verify"

    static func check(_ repository: PlatformRepository) -> [CheckFinding] {
        guard !repository.settings.signing.trustedKeys.isEmpty else { return [] }
        return repository.environments.compactMap { environment in
            guard [.tracksRange, .pinned].contains(environment.classification.kind) else { return nil }
            if case .oci(let source) = environment.source {
                guard source.verify == nil else { return nil }
                return CheckFinding(
                    id, .warning, at: source.object.location(of: ["spec"]),
                    "\(environment.name)'s OCIRepository \(source.object.name ?? "") does not verify signatures: its cluster applies unsigned artifacts",
                    hint:
                        "add spec.verify {provider: cosign, secretRef: {name: cosign-pub}} and a Secret holding the public key as cosign.pub"
                )
            }
            // A Flux Operator sync's OCIRepository is the operator's: only a patch of the instance adds verify to it.
            guard let instance = environment.instance, instance.sync?.kind == "OCIRepository", !patchesVerify(instance)
            else { return nil }
            return CheckFinding(
                id, .warning, at: instance.object.location(of: instance.syncPath("kind")),
                "\(environment.name)'s sync OCIRepository (made by the Flux Operator) does not verify signatures: its cluster applies unsigned artifacts",
                hint:
                    "patch it through the instance's spec.kustomize.patches (target kind OCIRepository) with spec.verify {provider: cosign, secretRef: {name: cosign-pub}}"
            )
        }
    }

    /// Whether one of the instance's kustomize patches targets OCIRepository and writes `verify`.
    private static func patchesVerify(_ instance: FluxInstance) -> Bool {
        (instance.object.root.node(at: instance.specPath + ["kustomize", "patches"])?.items ?? []).contains { patch in
            patch.string(at: ["target", "kind"]) == "OCIRepository"
                && (patch.string(at: ["patch"])?.contains("verify") ?? false)
        }
    }
}
