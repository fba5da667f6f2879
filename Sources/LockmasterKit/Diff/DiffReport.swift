public import Manifests

/// What `lockmaster diff` found, per environment.
public struct DiffReport: Sendable, Codable, Equatable {
    /// What was compared: `git <base>..<head>`, `environments a → b`, or `versions x → y`.
    public var comparing: String
    public var environments: [EnvironmentDiff]
    /// Where the change goes after it merges, environment by environment (`--lane`).
    public var lane: [LaneStep]?
    /// How builds were confined, in words.
    public var builds: String?
    /// Where the settings both sides were read with came from (git comparisons: the base).
    public var settings: String?

    public var hasChanges: Bool { environments.contains { !$0.kustomizations.isEmpty || !$0.services.isEmpty } }

    /// Whether a Kustomization could not be compared: one the change touches, or (`strict`) any.
    public func hasProblems(strict: Bool) -> Bool {
        environments.contains { !$0.problems.isEmpty || (strict && !$0.untouched.isEmpty) }
    }
}

public struct EnvironmentDiff: Sendable, Codable, Equatable {
    public var name: String
    /// Per Flux Kustomization (`namespace/name`), the objects that changed.
    public var kustomizations: [KustomizationDiff]
    /// Platform services added, removed, upgraded and reconfigured, lowest risk first.
    public var services: [ServiceChange]
    /// Kustomizations that could not be rendered, on one side or differently on the two: what the change
    /// touches and the diff cannot show.
    public var problems: [RenderProblem]
    /// Kustomizations that cannot be rendered, the same way on both sides: the change does not touch them.
    public var untouched: [RenderProblem] = []
    /// Kustomizations whose objects were not compared because a side could not be built: never shown as
    /// objects removed (or added).
    public var unbuilt: [UnbuiltKustomization] = []
    /// What in the change Kubernetes or Flux will not do quietly, most severe first.
    public var dangers: [DangerFinding] = []
    /// Releases whose values changed through what `valuesFrom` reads.
    public var values: [ValuesChange] = []
    /// Danger findings a `# lockmaster:ignore=rule` comment silences.
    public var silencedDangers: [DangerFinding] = []
}

/// A Flux Kustomization that could not be built on one side of a diff.
public struct UnbuiltKustomization: Sendable, Codable, Equatable {
    public enum Side: String, Sendable, Codable { case base, head }
    public var kustomization: KustomizationID
    public var side: Side
    public var message: String
}

public struct KustomizationDiff: Sendable, Codable, Equatable {
    public var name: KustomizationID
    public var objects: [ObjectDiff]
}

public struct ObjectDiff: Sendable, Codable, Equatable {
    public enum Change: String, Sendable, Codable { case added, removed, changed }

    /// How it is shown: `Kind/namespace/name`, with the API group (`Kind.group/namespace/name`) where
    /// two groups share the rest.
    public var object: String
    public var change: Change
    /// A unified diff of the object's YAML (changed objects), Secret values left out.
    public var diff: [String]
    /// For Secrets: each `data`/`stringData` key and whether it was added, removed, changed or unchanged.
    public var secretKeys: [String: String]?
}

/// A HelmRelease whose values changed through what `spec.valuesFrom` reads (a generated ConfigMap
/// renamed by its hash, a Secret), shown as the merged values it installs with, line by line.
public struct ValuesChange: Sendable, Codable, Equatable {
    /// `namespace/name` of the release.
    public var release: String
    /// `ConfigMap ns/name` or `Secret ns/name`, as the new side reads them.
    public var sources: [String]
    /// The merged values (`valuesFrom`, then `spec.values`; Secrets left out), as a line diff.
    public var diff: [String]
    /// Whether what it reads from Secrets changed (never shown).
    public var secretsChanged: Bool
}
