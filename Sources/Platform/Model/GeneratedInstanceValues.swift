public import Foundation
public import Manifests
import Support

/// The flux-instance chart's values where a HelmRelease takes them through `valuesFrom` from a
/// ConfigMap that the kustomization beside it generates from a file:
///
///     configMapGenerator: [{name: flux-instance-values, files: [values.yaml=./helm-values.yaml]}]
///
/// Read from that file, as kustomize would put it in the ConfigMap under its key.
public enum GeneratedInstanceValues {
    public static func instances(in objects: [KubernetesObject], root: URL) -> [FluxInstance] {
        objects.filter { HelmRelease($0) != nil }.flatMap { release in
            (release.root.node(at: ["spec", "valuesFrom"])?.items ?? []).compactMap { reference -> FluxInstance? in
                guard (reference.string(at: ["kind"]) ?? "ConfigMap") == "ConfigMap",
                    let name = reference.string(at: ["name"]),
                    let (file, values) = generatedFile(
                        named: name, key: reference.string(at: ["valuesKey"]) ?? "values.yaml",
                        beside: release.location.path, root: root)
                else { return nil }
                return FluxInstance(release: release, values: values, file: file)
            }
        }
    }

    /// The file the ConfigMap `name` is generated from under `key`, by the kustomization in the folder
    /// of `path`, and its YAML.
    private static func generatedFile(named name: String, key: String, beside path: String, root: URL) -> (
        String, YAMLNode
    )? {
        let folder = (path as NSString).deletingLastPathComponent
        for fileName in ManifestLoader.kustomizationFileNames {
            let kustomization = folder.isEmpty ? fileName : "\(folder)/\(fileName)"
            guard let data = RepositoryFile.contents(kustomization, in: root, limit: 1 << 20),
                let document = try? YAMLDocumentReader.documents(in: String(decoding: data, as: UTF8.self)).first
            else { continue }
            for generator in document["configMapGenerator"]?.items ?? [] where generator.string(at: ["name"]) == name {
                for entry in (generator["files"]?.items ?? []).compactMap(\.string) {
                    let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                    let file = parts.count == 2 ? parts[1] : parts[0]
                    let entryKey = parts.count == 2 ? parts[0] : (file as NSString).lastPathComponent
                    guard entryKey == key else { continue }
                    let relative = PathNormalizer.normalize(folder.isEmpty ? file : "\(folder)/\(file)")
                    guard let values = RepositoryFile.contents(relative, in: root, limit: 1 << 20),
                        let node = try? YAMLDocumentReader.documents(in: String(decoding: values, as: UTF8.self))
                            .first
                    else { return nil }
                    return (relative, node)
                }
            }
            return nil
        }
        return nil
    }
}
