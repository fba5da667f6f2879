public import Artifacts
public import Cluster
public import Manifests
public import Platform
public import Support

/// What `lockmaster status` reports: a stable, documented JSON shape (`-o json`).
public struct StatusReport: Sendable, Codable, Equatable {
    public var repository: String
    public var clustersDir: String
    public var environments: [Environment]
    /// Directories under the clusters directory that are not environments: nothing syncs them and they
    /// hold no Flux Kustomization (shared variables, lists of repositories), or another environment's
    /// Kustomization applies them (a hub's spoke path, a cluster's apps).
    public var notEnvironments: [String] = []
    /// The branch of record, and where it came from (`lockmaster.yaml`, `origin/HEAD`, an existing
    /// `main` or `master`); set when git was asked (not with `--offline`'s plain read).
    public var branch: String?
    public var branchSource: String?

    public init(
        repository: String, clustersDir: String, environments: [Environment], explanation: String? = nil,
        hint: String? = nil,
        diagnostics: [Diagnostic]
    ) {
        self.repository = repository
        self.clustersDir = clustersDir
        self.environments = environments
        self.explanation = explanation
        self.hint = hint
        self.diagnostics = diagnostics
    }

    private enum CodingKeys: String, CodingKey {
        case repository, clustersDir, environments, notEnvironments, branch, branchSource, explanation, hint,
            diagnostics
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        repository = try container.decode(String.self, forKey: .repository)
        clustersDir = try container.decode(String.self, forKey: .clustersDir)
        environments = try container.decode([Environment].self, forKey: .environments)
        // Reports written before this field existed still read.
        notEnvironments = try container.decodeIfPresent([String].self, forKey: .notEnvironments) ?? []
        branch = try container.decodeIfPresent(String.self, forKey: .branch)
        branchSource = try container.decodeIfPresent(String.self, forKey: .branchSource)
        explanation = try container.decodeIfPresent(String.self, forKey: .explanation)
        hint = try container.decodeIfPresent(String.self, forKey: .hint)
        diagnostics = try container.decode([Diagnostic].self, forKey: .diagnostics)
    }
    /// Set when there is nothing to show, with what to do about it.
    public var explanation: String?
    public var hint: String?
    public var diagnostics: [Diagnostic]

    public struct Environment: Sendable, Codable, Equatable {
        public var name: String
        public var directory: String
        /// `tracks-branch`, `tracks-range`, `pinned` or `unknown`.
        public var kind: EnvironmentKind
        /// The branch, range, tag, digest or commit followed.
        public var ref: String?
        /// The `spec.ref` field `ref` comes from.
        public var refField: RefField?
        public var semverFilter: String?
        /// Why the kind is unknown, or a note about a Flux default.
        public var reason: String?
        public var source: Source?
        /// The `flux-system` sync Kustomization; nil until `flux bootstrap` has run for this path.
        public var entry: Kustomization?
        /// The Flux Operator `FluxInstance` that syncs this environment (`spec.sync`), instead of bootstrap.
        public var instance: Instance?
        /// With neither: `placeholder` when `flux-system/gotk-sync.yaml` is there but declares nothing
        /// (flux bootstrap replaces it), `missing` when it is not there.
        public var syncFile: String?
        public var kustomizations: [Kustomization]
        /// What the environment runs now (left out with `--offline`).
        public var runs: Runs?
        /// How far it is behind the environment before it in the promotion order.
        public var behind: String?
        /// What its cluster reports (`--live`).
        public var live: Live?
        /// The Flux it installs (`2.6`, or `newest` for a range such as `2.x`) and where that was read;
        /// neither when nothing in git or lockmaster.yaml says.
        public var fluxVersion: String? = nil
        public var fluxVersionFrom: String? = nil
    }

    public struct Instance: Sendable, Codable, Equatable {
        /// `namespace/name` of the FluxInstance, or of the HelmRelease of the flux-instance chart.
        public var name: String
        /// `FluxInstance`, or `HelmRelease` when the flux-instance chart's values declare it.
        public var declaredBy: String
        /// `spec.sync`: the kind of source the operator creates, its URL, ref and path.
        public var kind: String
        public var url: String?
        public var ref: String?
        public var path: String?
        public var location: SourceLocation
    }

    public struct Runs: Sendable, Codable, Equatable {
        public var branch: String?
        public var commit: String?
        public var tag: String?
        public var digest: String?
        /// The revision Flux reports for the source: `<branch>@sha1:<commit>` or `<tag>@sha256:<hex>`.
        public var revision: String?
        /// The artifact's `org.opencontainers.image.revision`.
        public var sourceRevision: String?
        /// Its cosign signatures against `signing.trustedKeys`; nil when none are configured.
        public var signature: SignatureVerdict?
        /// Set when a range resolves lower than a version the environment ran (git history, or `--live`).
        public var downgrade: Downgrade?
        /// Why it could not be resolved; the other environments are unaffected.
        public var error: String?
    }

    public struct Live: Sendable, Codable, Equatable {
        public var context: String
        public var error: String?
        public var objects: [LiveObject]
        /// True when every platform Kustomization is ready and applied the expected revision.
        public var matches: Bool?
    }

    /// A Flux object as the cluster reported it, and whether it runs the revision expected. JSON keeps
    /// the shape scripts read: the object's kind, name, readiness and `revision` (what a Kustomization
    /// applied, what a source fetched) beside `matches`.
    @dynamicMemberLookup
    public struct LiveObject: Sendable, Codable, Equatable {
        public var object: ClusterObject
        /// Whether the applied (or fetched) revision is the one expected.
        public var matches: Bool?

        public init(_ object: ClusterObject, expected: String?) {
            self.object = object
            matches = expected.map { object.revision == $0 }
        }

        public subscript<Value>(dynamicMember path: KeyPath<ClusterObject, Value>) -> Value { object[keyPath: path] }

        private enum CodingKeys: String, CodingKey {
            case kind, namespace, name, ready, message, suspended, revision, matches
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let kind = try container.decode(String.self, forKey: .kind)
            let revision = try container.decodeIfPresent(String.self, forKey: .revision)
            object = ClusterObject(
                kind: kind, namespace: try container.decode(String.self, forKey: .namespace),
                name: try container.decode(String.self, forKey: .name),
                ready: try container.decodeIfPresent(Bool.self, forKey: .ready),
                message: try container.decodeIfPresent(String.self, forKey: .message),
                suspended: try container.decode(Bool.self, forKey: .suspended),
                appliedRevision: kind == "Kustomization" ? revision : nil,
                artifactRevision: kind == "Kustomization" ? nil : revision)
            matches = try container.decodeIfPresent(Bool.self, forKey: .matches)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(object.kind, forKey: .kind)
            try container.encode(object.namespace, forKey: .namespace)
            try container.encode(object.name, forKey: .name)
            try container.encodeIfPresent(object.ready, forKey: .ready)
            try container.encodeIfPresent(object.message, forKey: .message)
            try container.encode(object.suspended, forKey: .suspended)
            try container.encodeIfPresent(object.revision, forKey: .revision)
            try container.encodeIfPresent(matches, forKey: .matches)
        }
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
        /// The source, encoded as `Kind/namespace/name`.
        public var sourceRef: ObjectReference?
        /// Each dependency, namespace defaulted to the Kustomization's own; encoded as `namespace/name`.
        public var dependsOn: [KustomizationID]
        public var location: SourceLocation
    }
}
