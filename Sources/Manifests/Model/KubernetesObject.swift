public import Support

/// One YAML document that declares `apiVersion` and `kind`, with where it came from.
public struct KubernetesObject: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String?
    public var namespace: String?
    /// The file, relative to the repository root, and the document's first line.
    public var location: SourceLocation
    /// 0-based index of the document in its file (counting empty documents).
    public var documentIndex: Int
    public var root: YAMLNode

    public init(
        apiVersion: String, kind: String, name: String?, namespace: String?, location: SourceLocation,
        documentIndex: Int, root: YAMLNode
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.location = location
        self.documentIndex = documentIndex
        self.root = root
    }

    /// `source.toolkit.fluxcd.io` for `source.toolkit.fluxcd.io/v1`; empty for the core group (`v1`).
    public var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// `v1` for `source.toolkit.fluxcd.io/v1`.
    public var version: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return apiVersion }
        return String(apiVersion[apiVersion.index(after: slash)...])
    }

    /// The location of the node at `path`, or of the document when the path is absent.
    public func location(of path: [String]) -> SourceLocation {
        guard let node = root.node(at: path) else { return location }
        return SourceLocation(path: location.path, line: node.position.line, column: node.position.column)
    }

    /// `Kind/namespace/name` for messages.
    public var displayName: String {
        "\(kind)/" + (namespace.map { "\($0)/" } ?? "") + (name ?? "<unnamed>")
    }
}

/// A document that was read but is not used as a Kubernetes object, and why.
public struct SkippedDocument: Sendable, Hashable, Codable {
    public var location: SourceLocation
    public var reason: String

    public init(location: SourceLocation, reason: String) {
        self.location = location
        self.reason = reason
    }
}

/// Everything read from a directory tree: objects, skipped documents, and problems found.
public struct ManifestSet: Sendable {
    public var objects: [KubernetesObject] = []
    public var skipped: [SkippedDocument] = []
    public var diagnostics: [Diagnostic] = []
    /// Relative paths of the YAML files read, in the order read.
    public var files: [String] = []
    /// Relative paths of the symlinks met and not followed (Flux's artifact holds none), sorted.
    public var symlinks: [String] = []

    public init() {}

    /// Objects of one kind in one API group, any version.
    public func objects(group: String, kind: String) -> [KubernetesObject] {
        objects.filter { $0.group == group && $0.kind == kind }
    }
}
