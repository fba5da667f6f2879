/// A Flux `ArtifactGenerator` (source.extensions.fluxcd.io v1beta1, Flux 2.7+), read-only. Each entry of
/// `spec.artifacts` makes source-watcher create an `ExternalArtifact` of that name in the generator's
/// namespace, which Kustomizations and HelmReleases then use as their source.
public struct ArtifactGenerator: Sendable, Hashable {
    public static let group = "source.extensions.fluxcd.io"

    public var object: KubernetesObject
    /// The `ExternalArtifact`s it declares.
    public var artifacts: [ObjectReference]

    /// The folders of a git source that the artifact `reference` copies (`@repo/apps/staging/**` →
    /// `apps/staging`): everything before the first wildcard, so a pattern reads at most that folder.
    /// The repository root when a copy cannot be read.
    public func copiedFolders(into reference: ObjectReference) -> [String] {
        let gitAliases = Set(
            (object.root.node(at: ["spec", "sources"])?.items ?? []).filter {
                $0.string(at: ["kind"]) == "GitRepository"
            }.compactMap { $0.string(at: ["alias"]) })
        guard !gitAliases.isEmpty else { return [] }
        let artifact = (object.root.node(at: ["spec", "artifacts"])?.items ?? []).first {
            $0.string(at: ["name"]) == reference.name
        }
        guard let copies = artifact?.node(at: ["copy"])?.items, !copies.isEmpty else { return [""] }
        var folders: [String] = []
        for copy in copies {
            guard let from = copy.string(at: ["from"]), from.hasPrefix("@") else { return [""] }
            let slash = from.firstIndex(of: "/") ?? from.endIndex
            guard gitAliases.contains(String(from[from.index(after: from.startIndex)..<slash])) else { continue }
            let rest = slash == from.endIndex ? "" : String(from[from.index(after: slash)...])
            let literal = rest.prefix { !"*?[{".contains($0) }
            // `apps/*.yaml` reads in `apps`; `apps/base/**` reads `apps/base`.
            let folder =
                literal.hasSuffix("/") || literal.count < rest.count
                ? String(literal).split(separator: "/", omittingEmptySubsequences: true).dropLast(
                    literal.hasSuffix("/") ? 0 : 1
                ).joined(separator: "/")
                : String(literal)
            folders.append(folder)
        }
        return folders
    }

    public init?(_ object: KubernetesObject) {
        guard object.group == Self.group, object.kind == "ArtifactGenerator", object.version == "v1beta1" else {
            return nil
        }
        self.object = object
        artifacts = (object.root.node(at: ["spec", "artifacts"])?.items ?? []).compactMap { entry in
            entry.string(at: ["name"]).map {
                ObjectReference(kind: "ExternalArtifact", name: $0, namespace: object.effectiveNamespace)
            }
        }
    }
}
