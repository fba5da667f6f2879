import Foundation

/// The values a HelmRelease installs with, as helm-controller merges them: each `spec.valuesFrom`
/// entry in order (a ConfigMap's or Secret's key, `values.yaml` by default; with `targetPath`, that
/// key's text at that path), then `spec.values` over them. What comes from Secrets is never shown:
/// it is kept apart, only to tell that it changed.
public struct HelmValues: Sendable, Equatable {
    /// The merged values from ConfigMaps and `spec.values`, as YAML.
    public var text: String
    /// `ConfigMap ns/name` and `Secret ns/name` for each source found, in order.
    public var sources: [String]
    /// The Secret data the values take, for comparison only, never shown (nil: none).
    var secretData: String?

    /// Whether the Secret data the values take differ between `self` and `other`.
    public func secretsDiffer(from other: HelmValues) -> Bool { secretData != other.secretData }

    /// Nil when the release takes nothing through `valuesFrom`.
    /// - Parameter inline: merge `spec.values` over what `valuesFrom` reads (false: only that).
    public static func of(_ release: HelmRelease, among objects: [KubernetesObject], inline: Bool = true)
        -> HelmValues?
    {
        let references = release.object.root.node(at: ["spec", "valuesFrom"])?.items ?? []
        guard !references.isEmpty else { return nil }
        let namespace = release.object.effectiveNamespace
        var merged = YAMLNode(.mapping([]), at: TextPosition(line: 0, column: 0))
        var sources: [String] = []
        var secrets: String?
        for reference in references {
            let kind = reference.string(at: ["kind"]) ?? "ConfigMap"
            guard kind == "ConfigMap" || kind == "Secret", let name = reference.string(at: ["name"]) else { continue }
            guard
                let source = objects.first(where: {
                    $0.kind == kind && $0.group.isEmpty && $0.name == name && $0.effectiveNamespace == namespace
                })
            else { continue }
            sources.append("\(kind) \(namespace)/\(name)")
            let key = reference.string(at: ["valuesKey"]) ?? "values.yaml"
            if kind == "Secret" {
                secrets =
                    (secrets ?? "") + "\(name)\0\(key)\0\(source.root["data"]?[key]?.string ?? "")\0"
                    + "\(source.root["stringData"]?[key]?.string ?? "")\0"
                continue
            }
            guard let value = source.root["data"]?[key]?.string else { continue }
            if let path = reference.string(at: ["targetPath"]) {
                merged = merging(
                    merged,
                    nested(
                        path.split(separator: ".").map(String.init),
                        YAMLNode(.scalar(value, style: .plain, tag: nil), at: merged.position)))
            } else if let document = try? YAMLDocumentReader.documents(in: value).first, document.pairs != nil {
                merged = merging(merged, document)
            }
        }
        if inline, let values = release.object.root.node(at: ["spec", "values"]), values.pairs != nil {
            merged = merging(merged, values)
        }
        return HelmValues(
            text: merged.pairs?.isEmpty == false ? merged.yamlText() : "",
            sources: sources,
            secretData: secrets)
    }

    /// `overlay` merged into `base`: mappings key by key, anything else replaced (Helm's merge).
    static func merging(_ base: YAMLNode, _ overlay: YAMLNode) -> YAMLNode {
        guard case .mapping(var pairs) = base.content, case .mapping(let over) = overlay.content else { return overlay }
        for pair in over {
            if let index = pairs.firstIndex(where: { $0.key.string == pair.key.string }) {
                pairs[index].value = merging(pairs[index].value, pair.value)
            } else {
                pairs.append(pair)
            }
        }
        var result = base
        result.content = .mapping(pairs)
        return result
    }

    /// `value` at `path` (`a.b` → `{a: {b: value}}`).
    private static func nested(_ path: [String], _ value: YAMLNode) -> YAMLNode {
        path.reversed().reduce(value) { inner, key in
            YAMLNode(
                .mapping([.init(key: YAMLNode(.scalar(key, style: .plain, tag: nil), at: inner.position), value: inner)]
                ), at: inner.position)
        }
    }
}
