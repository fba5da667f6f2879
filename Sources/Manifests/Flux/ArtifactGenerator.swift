/// A Flux `ArtifactGenerator` (source.extensions.fluxcd.io v1beta1, Flux 2.7+), read-only. Each entry of
/// `spec.artifacts` makes source-watcher create an `ExternalArtifact` of that name in the generator's
/// namespace, which Kustomizations and HelmReleases then use as their source.
public struct ArtifactGenerator: Sendable, Hashable {
    public static let group = "source.extensions.fluxcd.io"

    public var object: KubernetesObject
    /// The `ExternalArtifact`s it declares.
    public var artifacts: [ObjectReference]

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
