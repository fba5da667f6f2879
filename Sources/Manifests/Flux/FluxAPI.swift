/// The Flux API groups and every version Flux has served for the kinds Lockmaster reads.
public enum FluxAPI {
    public static let sourceGroup = "source.toolkit.fluxcd.io"
    public static let kustomizeGroup = "kustomize.toolkit.fluxcd.io"
    public static let helmGroup = "helm.toolkit.fluxcd.io"

    /// Versions per `group/kind`, oldest first.
    public static let servedVersions: [String: [String]] = [
        "\(sourceGroup)/GitRepository": ["v1beta1", "v1beta2", "v1"],
        "\(sourceGroup)/OCIRepository": ["v1beta2", "v1"],
        "\(sourceGroup)/HelmRepository": ["v1beta1", "v1beta2", "v1"],
        "\(kustomizeGroup)/Kustomization": ["v1beta1", "v1beta2", "v1"],
        "\(helmGroup)/HelmRelease": ["v2beta1", "v2beta2", "v2"],
    ]

    /// The group Flux serves `kind` in, for a reference that names only the kind (`sourceRef.kind`,
    /// `dependsOn`); empty for a kind Flux does not define.
    public static func group(ofKind kind: String) -> String {
        switch kind {
        case "GitRepository", "OCIRepository", "HelmRepository", "HelmChart", "Bucket", "ExternalArtifact": sourceGroup
        case "Kustomization": kustomizeGroup
        case "HelmRelease": helmGroup
        case "ArtifactGenerator": "source.extensions.fluxcd.io"
        case "FluxInstance", "ResourceSet", "ResourceSetInputProvider": "fluxcd.controlplane.io"
        case "Alert", "Provider", "Receiver": "notification.toolkit.fluxcd.io"
        case "ImageRepository", "ImagePolicy", "ImageUpdateAutomation": "image.toolkit.fluxcd.io"
        default: ""
        }
    }

    /// The source `flux bootstrap` writes into `<env>/flux-system/gotk-sync.yaml`: this repository.
    public static let bootstrapSource = ObjectReference(
        kind: "GitRepository", name: "flux-system", namespace: "flux-system")

    /// The versions `lockmaster init` writes.
    public static let current = (
        source: "\(sourceGroup)/v1", kustomize: "\(kustomizeGroup)/v1", helm: "\(helmGroup)/v2"
    )

    /// Whether `object` is `kind` in `group` at a version Flux has served.
    static func matches(_ object: KubernetesObject, group: String, kind: String) -> Bool {
        object.group == group && object.kind == kind
            && (servedVersions["\(group)/\(kind)"]?.contains(object.version) ?? false)
    }
}

extension KubernetesObject {
    /// The namespace Flux uses for a namespaced object that does not set one.
    public static let defaultNamespace = "default"

    /// `metadata.namespace`, or `default` when it is not set.
    public var effectiveNamespace: String { namespace.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultNamespace }

    /// This object as the target of a reference.
    public var reference: ObjectReference {
        ObjectReference(group: group, kind: kind, name: name ?? "", namespace: effectiveNamespace)
    }

    func dependsOn(kind: String) -> [ObjectReference] {
        (root.node(at: ["spec", "dependsOn"])?.items ?? []).compactMap {
            ObjectReference.read($0, defaultKind: kind, defaultNamespace: effectiveNamespace)
        }
    }

    func bool(at path: [String]) -> Bool? {
        guard let text = root.string(at: path) else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }
}

extension ObjectReference {
    /// Reads `{kind?, name, namespace?}` at `node`; nil without a name.
    static func read(_ node: YAMLNode?, defaultKind: String, defaultNamespace: String) -> ObjectReference? {
        guard let node, let name = node.string(at: ["name"]) else { return nil }
        let kind = node.string(at: ["kind"]) ?? defaultKind
        // A reference may name its apiVersion; otherwise the kind fixes the group.
        let group = node.string(at: ["apiVersion"]).map { apiVersion in
            apiVersion.firstIndex(of: "/").map { String(apiVersion[..<$0]) } ?? ""
        }
        return ObjectReference(
            group: group ?? FluxAPI.group(ofKind: kind),
            kind: kind,
            name: name,
            namespace: node.string(at: ["namespace"]).flatMap { $0.isEmpty ? nil : $0 } ?? defaultNamespace
        )
    }
}
