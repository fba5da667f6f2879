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
        // Content Lockmaster has not read may declare anything: Kustomizations whose source is elsewhere,
        // and charts written with the estate (from a GitRepository, a Bucket or an
        // ExternalArtifact), whose templates may hold Flux objects. Charts from Helm repositories are
        // taken to hold none.
        let unavailable = scope.unavailable
        let charts = objects.compactMap(HelmRelease.init).filter { release in
            let kind = release.chartRef?.kind ?? release.chart?.sourceRef?.kind
            return ["GitRepository", "Bucket", "ExternalArtifact"].contains(kind ?? "")
        }
        severity = unavailable.isEmpty && charts.isEmpty ? .error : .warning
        var unread: [String] = []
        if !unavailable.isEmpty {
            unread.append(
                "\(unavailable.count) Kustomization\(unavailable.count == 1 ? "" : "s") of \(scope.environment.name) could not be rendered offline "
                    + "(\(unavailable.prefix(3).map(\.kustomization.description).joined(separator: ", "))\(unavailable.count > 3 ? ", …" : ""))"
            )
        }
        if !charts.isEmpty {
            unread.append(
                "the chart\(charts.count == 1 ? "" : "s") of \(charts.prefix(3).map { "HelmRelease \($0.object.effectiveNamespace)/\($0.object.name ?? "")" }.joined(separator: ", "))\(charts.count > 3 ? ", …" : "") "
                    + "\(charts.count == 1 ? "is" : "are") not rendered")
        }
        unknown = unread.isEmpty ? "" : "; " + unread.joined(separator: ", and ") + ", so it may be declared there"
    }

    func contains(_ reference: ObjectReference) -> Bool { index.contains(reference) }
}
