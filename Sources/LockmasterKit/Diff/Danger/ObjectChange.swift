import Artifacts
import Manifests

/// One object on both sides of a diff, nil on the side it is missing from.
struct ObjectChange {
    var kustomization: KustomizationID
    var old: RenderedObject?
    var new: RenderedObject?

    var object: RenderedObject { (new ?? old)! }
    var kind: String { object.kind }
    var group: String { object.group }
    var isFlux: Bool { group.hasSuffix(".toolkit.fluxcd.io") }

    func `is`(_ kind: String, group: String) -> Bool { self.kind == kind && self.group == group }

    /// The node at `path` on each side.
    func nodes(_ path: [String]) -> (old: YAMLNode?, new: YAMLNode?) {
        (
            old?.node.node(at: path).flatMap { $0.isNull ? nil : $0 },
            new?.node.node(at: path).flatMap { $0.isNull ? nil : $0 }
        )
    }

    /// The string at `path` on each side.
    func strings(_ path: [String]) -> (old: String?, new: String?) {
        (old?.node.string(at: path), new?.node.string(at: path))
    }

    /// Whether both sides have the object and `path` differs between them (added or removed included).
    func changed(_ path: [String]) -> Bool {
        guard old != nil, new != nil else { return false }
        switch nodes(path) {
        case (nil, nil): return false
        case (let a?, let b?): return !a.sameContent(as: b)
        default: return true
        }
    }

    static func truthy(_ value: String?) -> Bool { ["true", "True", "TRUE"].contains(value ?? "") }
}

/// What a rule found: the rule, the field the location points at, and what changed.
struct DangerHit {
    var rule: DangerRule
    var field: [String]
    var message: String
}

/// A family of the review's rules: the rules it finds (in the order `diff --help` lists them), and the
/// check, a pure function of one object's change. DangerReview runs `DangerReview.checks`, and
/// `diff --help` lists their rules, so a new rule is a case of DangerRule and a line in one check.
protocol DangerCheck: Sendable {
    static var rules: [DangerRule] { get }
    static func check(_ change: ObjectChange) -> [DangerHit]
}
