/// A Flux object a teardown names: its kind, namespace and name, written `Kind/namespace/name` (in the
/// plan's JSON, its text and messages). Teardowns hold only Flux kinds, whose kind fixes the API group.
public struct TeardownObjectID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var kind: String
    public var namespace: String
    public var name: String

    public init(kind: String, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `Kind/namespace/name`, or nil when it is not three parts.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts.contains(where: \.isEmpty) else { return nil }
        self.init(kind: parts[0], namespace: parts[1], name: parts[2])
    }

    public var description: String { "\(kind)/\(namespace)/\(name)" }

    public static func < (lhs: TeardownObjectID, rhs: TeardownObjectID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = TeardownObjectID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not Kind/namespace/name"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The root sync Kustomization flux bootstrap writes, which a teardown only suspends.
    static let root = TeardownObjectID(kind: "Kustomization", namespace: "flux-system", name: "flux-system")
}
