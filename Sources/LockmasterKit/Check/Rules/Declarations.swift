import Foundation
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
    /// Kustomizations of the environment that could not be read offline: they may declare anything.
    private let unavailable: [RenderProblem]
    /// Charts whose templates are not here (another repository, a Bucket, an ExternalArtifact).
    private let opaqueCharts: [HelmRelease]
    /// Charts of this repository, with the text of their files.
    private let localCharts: [(release: HelmRelease, text: String)]
    private let environment: String

    /// - Parameter root: the work tree, where a chart of this repository's GitRepository is read.
    init(_ scope: EnvironmentScope, alsoDeclared: Set<ObjectReference>, root: URL? = nil) {
        let objects = scope.objects
        index = Set(
            objects.compactMap { $0.name == nil ? nil : $0.reference }
                + objects.compactMap(ArtifactGenerator.init).flatMap(\.artifacts)
                + objects.compactMap(FluxInstance.init).flatMap(\.syncObjects)
                + (scope.environment.instance?.syncObjects ?? []))
        if scope.environment.entry == nil, scope.environment.instance == nil { index.insert(FluxAPI.bootstrapSource) }
        index.formUnion(alsoDeclared)
        environment = scope.environment.name
        unavailable = scope.unavailable
        // Charts written with the estate (from a GitRepository, a Bucket or an ExternalArtifact) may hold
        // Flux objects in their templates; charts from Helm repositories are taken to hold none. A chart of
        // this repository is read: it may declare a kind its files name (or template); a path that is not
        // here declares nothing, since Flux cannot fetch it.
        var opaque: [HelmRelease] = []
        var local: [(HelmRelease, String)] = []
        var own: Set<ObjectReference> = [FluxAPI.bootstrapSource]
        if let source = scope.environment.source?.object, let name = source.name {
            own.insert(ObjectReference(kind: source.kind, name: name, namespace: source.effectiveNamespace))
        }
        let declared = index
        for release in objects.compactMap(HelmRelease.init) {
            guard let source = release.chartRef ?? release.chart?.sourceRef,
                ["GitRepository", "Bucket", "ExternalArtifact"].contains(source.kind),
                // A chart whose source is declared nowhere is fetched from nowhere: it declares nothing.
                declared.contains(source)
            else { continue }
            guard let root, release.chartRef == nil, own.contains(source), let path = release.chart?.chart else {
                opaque.append(release)
                continue
            }
            // Helm renders a chart's templates/ only, and only where a Chart.yaml makes it a chart.
            let chart = PathNormalizer.normalize(path)
            let isChart =
                FileKind.at(root.appendingPathComponent(chart).appendingPathComponent("Chart.yaml").path) != nil
            local.append((release, isChart ? Self.text(under: chart + "/templates", in: root) : ""))
        }
        opaqueCharts = opaque
        localCharts = local
    }

    func contains(_ reference: ObjectReference) -> Bool { index.contains(reference) }

    /// An error where nothing unread could declare `reference`; a warning otherwise.
    func severity(for reference: ObjectReference) -> Severity {
        unavailable.isEmpty && opaqueCharts.isEmpty && mayDeclare(reference).isEmpty ? .error : .warning
    }

    /// Appended to a dangling reference's message: what could declare it unread.
    func unknown(for reference: ObjectReference) -> String {
        var unread: [String] = []
        if !unavailable.isEmpty {
            unread.append(
                "\(unavailable.count) Kustomization\(unavailable.count == 1 ? "" : "s") of \(environment) could not be rendered offline "
                    + "(\(unavailable.prefix(3).map(\.kustomization.description).joined(separator: ", "))\(unavailable.count > 3 ? ", …" : ""))"
            )
        }
        let charts = opaqueCharts + mayDeclare(reference)
        if !charts.isEmpty {
            unread.append(
                "the chart\(charts.count == 1 ? "" : "s") of \(charts.prefix(3).map { "HelmRelease \($0.object.effectiveNamespace)/\($0.object.name ?? "")" }.joined(separator: ", "))\(charts.count > 3 ? ", …" : "") "
                    + "\(charts.count == 1 ? "is" : "are") not rendered")
        }
        return unread.isEmpty ? "" : "; " + unread.joined(separator: ", and ") + ", so it may be declared there"
    }

    /// The charts of this repository whose files name `reference`'s kind, or template a kind.
    private func mayDeclare(_ reference: ObjectReference) -> [HelmRelease] {
        localCharts.filter { _, text in
            text.contains("kind: \(reference.kind)") || text.contains("kind: {{") || text.contains("kind: \"{{")
        }.map(\.release)
    }

    /// Every file under `path` of `root`, joined (at most 4 MiB read).
    private static func text(under path: String, in root: URL) -> String {
        let directory = root.appendingPathComponent(path)
        guard let walk = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return ""
        }
        var text = ""
        for case let url as URL in walk where text.utf8.count < 4 << 20 {
            if let data = FileManager.default.contents(atPath: url.path) {
                text += String(decoding: data, as: UTF8.self) + "\n"
            }
        }
        return text
    }
}
