public import Support

/// What `lockmaster status` reports: a stable, documented JSON shape (`-o json`).
public struct StatusReport: Sendable, Codable, Equatable {
    public var repository: String
    public var clustersDir: String
    public var environments: [Environment]
    /// Set when there is nothing to show, with what to do about it.
    public var explanation: String?
    public var hint: String?
    public var diagnostics: [Diagnostic]

    public struct Environment: Sendable, Codable, Equatable {
        public var name: String
        public var directory: String
        /// `tracks-branch`, `tracks-range`, `pinned` or `unknown`.
        public var kind: String
        /// The branch, range, tag, digest or commit followed.
        public var ref: String?
        /// The `spec.ref` field `ref` comes from.
        public var refField: String?
        public var semverFilter: String?
        /// Why the kind is unknown, or a note about a Flux default.
        public var reason: String?
        public var source: Source?
        /// The `flux-system` sync Kustomization; nil until `flux bootstrap` has run for this path.
        public var entry: Kustomization?
        public var kustomizations: [Kustomization]
    }

    public struct Source: Sendable, Codable, Equatable {
        public var kind: String
        public var apiVersion: String
        public var name: String
        public var namespace: String
        public var url: String?
        public var location: SourceLocation
    }

    public struct Kustomization: Sendable, Codable, Equatable {
        public var name: String
        public var namespace: String
        public var path: String
        /// `kind/namespace/name` of the source.
        public var sourceRef: String?
        /// `namespace/name` of each dependency, namespace defaulted to the Kustomization's own.
        public var dependsOn: [String]
        public var location: SourceLocation
    }
}
