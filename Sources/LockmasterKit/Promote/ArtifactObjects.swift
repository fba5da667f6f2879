import Artifacts
import Foundation
import Manifests

/// The Kubernetes objects inside a published platform artifact.
enum ArtifactObjects {
    /// Reads the layer of `tag` and loads its YAML files; nil when the tag does not exist.
    static func load(_ tag: String, from store: any ArtifactStore, limit: Int) async throws -> [KubernetesObject]? {
        guard let fetched = try await store.manifest(tag), let manifest = OCIManifest.decode(fetched.data),
            let layer = manifest.layers.first(where: { $0.mediaType == FluxArtifact.layerMediaType })
                ?? manifest.layers.first
        else {
            return nil
        }
        var set = ManifestSet()
        let loader = ManifestLoader(root: URL(fileURLWithPath: "/"))
        for file in try ArtifactReader.files(in: try await store.blob(layer.digest, size: layer.size), limit: limit)
        where file.path.hasSuffix(".yaml") || file.path.hasSuffix(".yml") {
            loader.read(data: file.data, path: file.path, into: &set)
        }
        loader.setAsidePatches(in: &set)
        return set.objects
    }
}
