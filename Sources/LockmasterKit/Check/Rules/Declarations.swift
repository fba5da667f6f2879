import Manifests
import Platform
import Support

/// What one environment declares, for the reference rules: its objects, the ExternalArtifacts its
/// ArtifactGenerators create, the sync objects of a Flux Operator instance, the GitRepository flux
/// bootstrap will write before it has run (a new sandbox), and what the same cluster declares through
/// another entry. When some Kustomization could not be read offline, a reference may point into it:
/// then a dangling reference is a warning that says so.
struct Declarations {
    var index: Set<ObjectReference>
    var severity: Severity
    /// Appended to a dangling reference's message when what is unknown could declare it.
    var unknown: String

    init(_ scope: EnvironmentScope, alsoDeclared: Set<ObjectReference>) {
        let objects = scope.objects
        index = Set(
            objects.compactMap { $0.name == nil ? nil : $0.reference }
                + objects.compactMap(ArtifactGenerator.init).flatMap(\.artifacts)
                + objects.compactMap(FluxInstance.init).flatMap(\.syncObjects)
                + (scope.environment.instance?.syncObjects ?? []))
        if scope.environment.entry == nil, scope.environment.instance == nil { index.insert(FluxAPI.bootstrapSource) }
        index.formUnion(alsoDeclared)
        let unavailable = scope.unavailable
        severity = unavailable.isEmpty ? .error : .warning
        unknown =
            unavailable.isEmpty
            ? ""
            : "; \(unavailable.count) Kustomization\(unavailable.count == 1 ? "" : "s") of \(scope.environment.name) could not be rendered offline "
                + "(\(unavailable.prefix(3).map(\.kustomization.description).joined(separator: ", "))\(unavailable.count > 3 ? ", …" : "")), so it may be declared there"
    }

    func contains(_ reference: ObjectReference) -> Bool { index.contains(reference) }
}
