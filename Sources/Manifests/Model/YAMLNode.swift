/// A position in a text: 1-based line, and 1-based column counted in Unicode scalars (as libyaml counts).
public struct TextPosition: Sendable, Hashable, Codable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: TextPosition, rhs: TextPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// How a scalar was written in the file.
public enum ScalarStyle: String, Sendable, Hashable, Codable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A YAML node as written: aliases are already replaced by the node they name, and every node
/// remembers where it starts (the position of its anchor or tag, if it has one).
public struct YAMLNode: Sendable, Hashable {
    public indirect enum Content: Sendable, Hashable {
        case scalar(String, style: ScalarStyle, tag: String?)
        case mapping([Pair])
        case sequence([YAMLNode])
    }

    public struct Pair: Sendable, Hashable {
        public var key: YAMLNode
        public var value: YAMLNode

        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    public var content: Content
    public var position: TextPosition
    /// The anchor this node defines (`&name`), if any.
    public var anchor: String?
    /// True when this node appears in the file as an alias (`*name`) rather than written out.
    public var isAlias: Bool

    public init(_ content: Content, at position: TextPosition, anchor: String? = nil, isAlias: Bool = false) {
        self.content = content
        self.position = position
        self.anchor = anchor
        self.isAlias = isAlias
    }

    /// The scalar's text, or nil for mappings and sequences.
    public var string: String? {
        if case .scalar(let text, _, _) = content { return text }
        return nil
    }

    /// Whether any scalar of this tree (keys included) holds `character`.
    public func anyScalar(contains character: Character) -> Bool {
        switch content {
        case .scalar(let text, _, _): text.contains(character)
        case .mapping(let pairs):
            pairs.contains { $0.key.anyScalar(contains: character) || $0.value.anyScalar(contains: character) }
        case .sequence(let items): items.contains { $0.anyScalar(contains: character) }
        }
    }

    /// A scalar that YAML reads as null: empty plain, `~` or `null`.
    public var isNull: Bool {
        guard case .scalar(let text, let style, let tag) = content, style == .plain, tag == nil else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    public var pairs: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The value under `key` in a mapping (the last one, should a key repeat).
    public subscript(key: String) -> YAMLNode? {
        pairs?.last(where: { $0.key.string == key })?.value
    }

    /// The node at a dotted path of mapping keys, e.g. `["spec", "ref", "branch"]`.
    public func node(at path: [String]) -> YAMLNode? {
        var current: YAMLNode? = self
        for key in path { current = current?[key] }
        return current
    }

    /// The non-null string scalar at `path`, or nil.
    public func string(at path: [String]) -> String? {
        guard let node = node(at: path), !node.isNull else { return nil }
        return node.string
    }

    /// Compares content only: positions, anchors and styles do not count, tags and values do.
    public func sameContent(as other: YAMLNode) -> Bool {
        switch (content, other.content) {
        case (.scalar(let a, _, let tagA), .scalar(let b, _, let tagB)):
            return a == b && tagA == tagB
        case (.mapping(let a), .mapping(let b)):
            return a.count == b.count
                && zip(a, b).allSatisfy { $0.key.sameContent(as: $1.key) && $0.value.sameContent(as: $1.value) }
        case (.sequence(let a), .sequence(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.sameContent(as: $1) }
        default:
            return false
        }
    }
}
