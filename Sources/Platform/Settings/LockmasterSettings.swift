/// The contents of `lockmaster.yaml`. Every key is optional; these defaults apply without the file.
public struct LockmasterSettings: Sendable, Equatable, Codable {
    /// The branch of record that development tracks.
    public var branch = "main"
    /// The directory holding one sub-directory per environment.
    public var clustersDir = "clusters"
    /// Repository paths that make up the platform (published as the artifact).
    public var platformPaths = ["platform"]
    /// gitignore-style patterns left out of the platform artifact, after any `.sourceignore` files.
    public var ignore: [String] = []
    /// Where platform artifacts are published: `oci://HOST/REPO`, or a local OCI image layout directory.
    public var artifact: String?
    /// The promotion order of environments.
    public var environments = ["development", "staging", "production"]
    /// Also pin `spec.ref.digest` (not only `spec.ref.tag`) when promoting.
    public var pinDigest = false
    /// The most an artifact may inflate to when it is read (render, diff, promote), in MiB.
    public var artifactSizeLimitMiB = 512
    /// Hosts `--allow-remote` may fetch a kustomization's remote files from (Lockmaster fetches them).
    public var remoteHosts: [String] = []
    /// The kube context of each environment's cluster, for `status --live`.
    public var contexts: [String: String] = [:]
    /// The Flux each environment runs (`2.4`, `v2.5.1`), where nothing in git says: check judges Flux APIs by it.
    public var fluxVersion: [String: String] = [:]
    public var sandbox = Sandbox()
    public var signing = Signing()
    public var check = Check()

    /// How the merge guard's rules apply to this estate (read from the base).
    public struct Check: Sendable, Equatable, Codable {
        /// Rule id → `off`, `warning` or `error`.
        public var rules: [String: String] = [:]
        /// Rule id → gitignore-style paths where its findings are not reported.
        public var exclude: [String: [String]] = [:]

        public init() {}
    }

    /// cosign-compatible signing of published artifacts, and the keys promotion trusts.
    public struct Signing: Sendable, Equatable, Codable {
        /// The private key publish signs with (a path; `~` is the home directory).
        public var key: String?
        /// Public keys, as paths in the repository, that verify signatures.
        public var trustedKeys: [String] = []
        /// Environments a promotion must not pin to an unsigned version, beyond those whose
        /// OCIRepository has `spec.verify`.
        public var require: [String] = []

        public init() {}
    }

    public struct Sandbox: Sendable, Equatable, Codable {
        /// The environment a sandbox is cloned from.
        public var from = "development"
        /// A regular expression a sandbox name must match: ticket prefix + hyphenated summary.
        public var namePattern = "^[A-Z][A-Z0-9]*-[0-9]+(-[a-z0-9]+)+$"
        /// Paths, relative to the source environment, that are not copied into a sandbox.
        public var exclude = ["flux-system/gotk-sync.yaml"]
        public var hooks = Hooks()
        /// How long a sandbox's lease runs when created or extended without `--ttl`: `7d`, `36h`, `2w`.
        public var ttl = "7d"
        /// The most sandboxes open at once (not merged); nil for no cap.
        public var max: Int?
        /// Names `sandbox gc` never collects, whatever a branch says of itself (besides main, master, the
        /// branch of record, every environment and every branch an environment tracks).
        public var protected: [String] = []
        /// The kube context of a sandbox's cluster for `sandbox gc`: `{name}` (the branch) and `{directory}`
        /// (`sandbox-<name>`) are filled in. Without it, gc takes contexts from `--context` only.
        public var contextTemplate: String?

        public init() {}
    }

    public struct Hooks: Sendable, Equatable, Codable {
        /// Commands run after a sandbox is created, in order (`bash -c`, with `LOCKMASTER_*` variables).
        public var create: [String] = []
        /// Commands run to destroy a sandbox's cluster, in order.
        public var destroy: [String] = []

        public init() {}
    }

    public init() {}

    /// The file name looked for at the repository root.
    public static let fileName = "lockmaster.yaml"

    /// The directory of environment `name`: `<clustersDir>/<name>`, or `<name>` when the clusters
    /// directory is the repository root (`clustersDir: "."`, read as empty).
    public func environmentDirectory(_ name: String) -> String { clustersDir.isEmpty ? name : "\(clustersDir)/\(name)" }

    /// How many path components the clusters directory has (0 for the repository root).
    public var clustersDepth: Int { clustersDir.split(separator: "/").count }

    /// The clusters directory as a path prefix for messages: `clusters/`, or `./` for the root.
    public var clustersPrefix: String { clustersDir.isEmpty ? "./" : clustersDir + "/" }
}
