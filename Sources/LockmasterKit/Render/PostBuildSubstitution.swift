import Manifests
import Support

/// Flux's `postBuild` substitution over a Kustomization's built objects.
enum PostBuildSubstitution {
    /// A `postBuild.substituteFrom` reference and the object it found in the render, if any.
    struct Source {
        var kind: String
        var name: String
        var optional: Bool
        var found: RenderedObject?
    }

    /// `postBuild`: variables from `substituteFrom` (ConfigMaps found in the render, in order; Secrets
    /// stay placeholders) and `substitute` (last wins), applied per object unless it opts out.
    static func apply(
        to objects: [RenderedObject], spec: YAMLNode, kustomization: KustomizationID, sources: [Source],
        warnings: inout [String]
    ) -> [RenderedObject] {
        guard let postBuild = spec["postBuild"] else { return objects }
        var variables: [String: String] = [:]
        for source in sources {
            let kind = source.kind
            let name = source.name
            guard let found = source.found else {
                if kind == "Secret" {
                    warnings.append(
                        "\(kustomization): substituteFrom Secret/\(name) is not in the render; its variables stay placeholders (${NAME})"
                    )
                } else if !source.optional {
                    warnings.append(
                        "\(kustomization): substituteFrom \(kind)/\(name) is not in the render; its variables are left empty"
                    )
                }
                continue
            }
            for pair in found.node["data"]?.pairs ?? [] {
                guard let key = pair.key.string else { continue }
                // Secret values are never rendered: the variable stays a placeholder.
                variables[key] = kind == "Secret" ? "${\(key)}" : pair.value.string ?? ""
            }
            if kind == "Secret" {
                warnings.append("\(kustomization): variables from Secret \(name) are left as placeholders")
            }
        }
        for pair in postBuild["substitute"]?.pairs ?? [] {
            if let key = pair.key.string { variables[key] = pair.value.string ?? "" }
        }
        let always = postBuild.string(at: ["substituteStrategy"]) == "Always"
        // A Secret's variables are never read: whatever no other source defines stays a visible `${NAME}`,
        // whether or not other variables are set.
        let secrets = sources.contains { $0.kind == "Secret" }
        guard always || secrets || !variables.isEmpty else { return objects }
        let optOut = "kustomize.toolkit.fluxcd.io/substitute"
        return objects.map { rendered in
            if rendered.node.string(at: ["metadata", "labels", optOut]) == "disabled"
                || rendered.node.string(at: ["metadata", "annotations", optOut]) == "disabled"
            {
                return rendered
            }
            // Without a `$` there is nothing to substitute (nor a `$$` to unescape).
            guard rendered.node.anyScalar(contains: "$") else { return rendered }
            var substitution = Substitution(variables: variables)
            substitution.keepsUndefined = secrets
            do {
                let text = try substitution.apply(rendered.node.yamlText())
                if !substitution.undefined.isEmpty {
                    warnings.append(
                        "\(kustomization): \(rendered.key) uses undefined variables \(substitution.undefined.joined(separator: ", "))"
                            + (secrets ? " (left as placeholders: a Secret may set them)" : " (empty)")
                    )
                }
                guard let node = try YAMLDocumentReader.documents(in: text).first else { return rendered }
                var copy = rendered
                copy.node = node
                return copy
            } catch {
                warnings.append("\(kustomization): \(rendered.key): substitution failed: \(error)")
                return rendered
            }
        }
    }
}
