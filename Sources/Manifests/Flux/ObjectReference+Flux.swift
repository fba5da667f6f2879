/// References to Flux kinds, whose kind fixes the group: the `Kind/namespace/name` text that reports,
/// `dependsOn` and kubectl use, and the JSON that carries it.
extension ObjectReference: Codable {
    /// A reference to a Flux kind, whose kind fixes the group.
    public init(kind: String, name: String, namespace: String) {
        self.init(group: FluxAPI.group(ofKind: kind), kind: kind, name: name, namespace: namespace)
    }

    /// `Kind/namespace/name` of a Flux kind, or nil when it is not three non-empty parts.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts.contains(where: \.isEmpty) else { return nil }
        self.init(kind: parts[0], name: parts[2], namespace: parts[1])
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let reference = ObjectReference(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(text) is not Kind/namespace/name"))
        }
        self = reference
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
