/// Which Flux Kustomization applies something, by namespace and name: render, diff, danger findings,
/// check and teardown name it with this, and reports print it, and encode it in JSON, as
/// `namespace/name`. An environment's entry (the directory Flux's own sync applies) is `entry`.
public struct KustomizationID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The Kustomization `object` declares.
    public init(_ object: KubernetesObject) {
        self.init(namespace: object.effectiveNamespace, name: object.name ?? "")
    }

    /// `flux-system/flux-system`: what bootstrap's own Kustomization applies, an environment's entry.
    public static let entry = KustomizationID(namespace: "flux-system", name: "flux-system")

    public var description: String { "\(namespace)/\(name)" }

    /// As an object of the cluster: `Kustomization/namespace/name`.
    public var reference: ObjectReference { ObjectReference(kind: "Kustomization", name: name, namespace: namespace) }

    public static func < (lhs: KustomizationID, rhs: KustomizationID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let slash = text.firstIndex(of: "/") else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(text) is not namespace/name"))
        }
        self.init(namespace: String(text[..<slash]), name: String(text[text.index(after: slash)...]))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
