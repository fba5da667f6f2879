public import Manifests
import Support

/// One object Flux would apply, with where it comes from.
public struct RenderedObject: Sendable {
    /// The Flux Kustomization that applies it; `KustomizationID.entry` for the environment's entry.
    public var kustomization: KustomizationID
    /// The file it was built from, relative to its source's root (git or artifact), when kustomize says.
    public var source: String?
    public var node: YAMLNode

    public var apiVersion: String { node.string(at: ["apiVersion"]) ?? "" }
    public var kind: String { node.string(at: ["kind"]) ?? "" }
    public var name: String { node.string(at: ["metadata", "name"]) ?? "" }
    public var namespace: String? { node.string(at: ["metadata", "namespace"]) }

    /// The API group, empty for the core group (`v1`).
    public var group: String {
        let apiVersion = apiVersion
        return apiVersion.firstIndex(of: "/").map { String(apiVersion[..<$0]) } ?? ""
    }
    /// What names the object in a cluster: group, kind, namespace (none when cluster-scoped) and name.
    public var reference: ObjectReference {
        ObjectReference(group: group, kind: kind, name: name, namespace: namespace ?? "")
    }
    /// `kind/namespace/name` (no namespace for cluster-scoped objects).
    public var key: String { reference.description }

    /// As a manifest object, for the readers of Flux kinds: located at the file it was built from.
    public var object: KubernetesObject {
        KubernetesObject(
            apiVersion: apiVersion, kind: kind, name: name, namespace: namespace,
            location: SourceLocation(path: source ?? kustomization.description), documentIndex: 0, root: node)
    }
}

/// A Kustomization that could not be rendered; the others still are.
public struct RenderProblem: Sendable, Codable, Equatable {
    public var kustomization: KustomizationID
    public var path: String
    public var message: String
    /// Why: a build that failed, or content that cannot be read offline. Not part of the JSON shape.
    public var cause: Cause = .build

    public enum Cause: Sendable, Equatable {
        /// kustomize (or the confinement before it) refused this repository's path: Flux would fail too.
        case build
        /// This repository's path reads remote resources, which are not fetched without `--allow-remote`.
        case remote
        /// The content is not here: another repository, a registry, a source made in the cluster.
        case unavailable
        /// Its source is declared nowhere (the merge guard reports the dangling reference).
        case undeclared
    }

    /// The files of this repository its content comes from, as paths or folders (`apps/staging` holds
    /// everything beneath): what `diff` checks before calling it untouched. Not part of the JSON shape.
    public var reads: [String] = []

    public init(
        kustomization: KustomizationID, path: String, message: String, cause: Cause = .build, reads: [String] = []
    ) {
        self.kustomization = kustomization
        self.path = path
        self.message = message
        self.cause = cause
        self.reads = reads
    }

    /// Whether one of `paths` (relative to the repository root) is a file its content comes from.
    public func reads(any paths: [String]) -> Bool {
        reads.contains { read in paths.contains { $0 == read || read.isEmpty || $0.hasPrefix(read + "/") } }
    }

    private enum CodingKeys: String, CodingKey { case kustomization, path, message }
}

/// What `lockmaster render ENV` produced.
public struct RenderReport: Sendable {
    public var environment: String
    public var objects: [RenderedObject]
    public var problems: [RenderProblem]
    public var warnings: [String]
    /// How builds were confined (`ConfinedKustomize.Wall`), in words.
    public var builds = ""
}
