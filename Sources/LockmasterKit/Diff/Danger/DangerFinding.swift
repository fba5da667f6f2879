public import Manifests
public import Support

/// A dangerous change in a diff: the rule, the object, where the change is written (when the
/// diff compares git revisions and the file holds it), what changed and why it is dangerous.
public struct DangerFinding: Sendable, Codable, Equatable {
    public var rule: DangerRule
    public var severity: DangerSeverity
    public var environment: String
    /// The Flux Kustomization that applies the object.
    public var kustomization: KustomizationID
    /// Encoded as `Kind/namespace/name`.
    public var object: ObjectReference
    /// The file and line of the change (the old file's for a removal); nil when not in this repository.
    public var location: SourceLocation?
    public var message: String
    public var why: String
}
