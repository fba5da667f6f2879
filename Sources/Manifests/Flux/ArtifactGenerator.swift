/// A Flux `ArtifactGenerator` (source.extensions.fluxcd.io v1beta1, Flux 2.7+), read-only. Each entry of
/// `spec.artifacts` makes source-watcher create an `ExternalArtifact` of that name in the generator's
/// namespace, which Kustomizations and HelmReleases then use as their source.
public struct ArtifactGenerator: Sendable, Hashable {
    public static let group = "source.extensions.fluxcd.io"

    public var object: KubernetesObject
    /// The `ExternalArtifact`s it declares.
    public var artifacts: [ObjectReference]

    /// What one copy of an artifact reads from a GitRepository: the source, and the folder the pattern reads
    /// at most (`@repo/apps/staging/**` → `apps/staging`; `@repo/apps/*.yaml` → `apps`).
    public struct GitCopy: Sendable, Hashable {
        public var source: ObjectReference
        public var folder: String
    }

    /// The copies of the artifact `reference` that read a GitRepository; nil when a copy cannot be read
    /// (no copy list, a `from` that names no source).
    public func gitCopies(into reference: ObjectReference) -> [GitCopy]? {
        let namespace = object.effectiveNamespace
        let gitSources = Dictionary(
            (object.root.node(at: ["spec", "sources"])?.items ?? []).compactMap {
                source -> (String, ObjectReference)? in
                guard source.string(at: ["kind"]) == "GitRepository", let alias = source.string(at: ["alias"]),
                    let name = source.string(at: ["name"])
                else { return nil }
                let sourceNamespace = source.string(at: ["namespace"]) ?? namespace
                return (alias, ObjectReference(kind: "GitRepository", name: name, namespace: sourceNamespace))
            }, uniquingKeysWith: { first, _ in first })
        let namedNothing = (object.root.node(at: ["spec", "sources"])?.items ?? []).contains {
            $0.string(at: ["kind"]) == "GitRepository"
                && ($0.string(at: ["alias"]) == nil || $0.string(at: ["name"]) == nil)
        }
        let artifact = (object.root.node(at: ["spec", "artifacts"])?.items ?? []).first {
            $0.string(at: ["name"]) == reference.name
        }
        guard !namedNothing, let copies = artifact?.node(at: ["copy"])?.items, !copies.isEmpty else { return nil }
        var found: [GitCopy] = []
        for copy in copies {
            guard let from = copy.string(at: ["from"]), from.hasPrefix("@") else { return nil }
            let slash = from.firstIndex(of: "/") ?? from.endIndex
            guard let source = gitSources[String(from[from.index(after: from.startIndex)..<slash])] else { continue }
            let rest = slash == from.endIndex ? "" : String(from[from.index(after: slash)...])
            let literal = rest.prefix { !"*?[{".contains($0) }
            let folder =
                literal.hasSuffix("/") || literal.count < rest.count
                ? String(literal).split(separator: "/", omittingEmptySubsequences: true).dropLast(
                    literal.hasSuffix("/") ? 0 : 1
                ).joined(separator: "/")
                : String(literal)
            found.append(GitCopy(source: source, folder: folder))
        }
        return found
    }

    /// The folders of a git source that the artifact `reference` copies: everything before the first
    /// wildcard, so a pattern reads at most that folder. The repository root when a copy cannot be read.
    public func copiedFolders(into reference: ObjectReference) -> [String] {
        let hasGitSource = (object.root.node(at: ["spec", "sources"])?.items ?? []).contains {
            $0.string(at: ["kind"]) == "GitRepository"
        }
        guard hasGitSource else { return [] }
        guard let copies = gitCopies(into: reference) else { return [""] }
        return copies.map(\.folder)
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
