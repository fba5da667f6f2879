import Foundation
import Manifests
import Support

/// The review of a diff: every rule over every object that differs, each finding located in the file
/// that holds the change and silenced by `# lockmaster:ignore=rule` there, as check's findings are.
enum DangerReview {
    static let checks: [any DangerCheck.Type] = [
        ImmutableFieldRules.self, DeletionRules.self, FluxBehaviourRules.self, PrivilegeRules.self, VersionRules.self,
    ]

    /// What the review needs to place a finding: the side holding the change, its file and field.
    struct Site: Sendable {
        var side: Side
        var path: String
        var kind: String
        var name: String
        var field: [String]
    }

    enum Side: Sendable { case base, head }

    /// The findings of one environment, most severe first, each with where to look for its line.
    static func findings(environment: String, changes: [ObjectChange]) -> [(finding: DangerFinding, site: Site?)] {
        var result: [(DangerFinding, Site?)] = []
        for change in changes {
            for check in checks {
                for hit in check.check(change) {
                    let object = change.object
                    let finding = DangerFinding(
                        rule: hit.rule, severity: hit.rule.severity, environment: environment,
                        kustomization: change.kustomization,
                        object: object.reference, location: nil, message: hit.message, why: hit.rule.why)
                    let side: Side = change.new == nil ? .base : .head
                    let site = (side == .head ? change.new : change.old)?.source.map {
                        Site(side: side, path: $0, kind: object.kind, name: object.name, field: hit.field)
                    }
                    result.append((finding, site))
                }
            }
        }
        return result.sorted {
            ($0.0.severity, $1.0.object, $1.0.rule.rawValue) > ($1.0.severity, $0.0.object, $0.0.rule.rawValue)
        }
    }

    /// Places each finding at its file and line and splits off those the file silences. `read` gives a
    /// side's file (nil when it is not in this repository).
    static func place(
        _ findings: [(finding: DangerFinding, site: Site?)], root: URL,
        read: (Side, String) async -> Data?
    ) async -> (kept: [DangerFinding], silenced: [DangerFinding]) {
        var files: [String: (lines: [String], objects: [KubernetesObject])] = [:]
        var kept: [DangerFinding] = []
        var silenced: [DangerFinding] = []
        for (finding, site) in findings {
            var finding = finding
            guard let site else {
                kept.append(finding)
                continue
            }
            let key = "\(site.side)\u{0}\(site.path)"
            if files[key] == nil, let data = await read(site.side, site.path) {
                var set = ManifestSet()
                ManifestLoader(root: root).read(data: data, path: site.path, into: &set)
                files[key] = (String(decoding: data, as: UTF8.self).components(separatedBy: "\n"), set.objects)
            }
            guard let file = files[key] else {
                kept.append(finding)
                continue
            }
            let candidates = file.objects.filter { $0.kind == site.kind }
            let object = candidates.first { $0.name == site.name } ?? (candidates.count == 1 ? candidates.first : nil)
            let location = object.map { keyLocation($0, site.field) } ?? SourceLocation(path: site.path)
            finding.location = location
            if Suppressions.isSilenced(rule: finding.rule.rawValue, line: location.line, lines: file.lines) {
                silenced.append(finding)
            } else {
                kept.append(finding)
            }
        }
        return (kept, silenced)
    }

    /// Where `field` is written: its key's line (a block value starts below it), else the document.
    private static func keyLocation(_ object: KubernetesObject, _ field: [String]) -> SourceLocation {
        guard let last = field.last, let parent = object.root.node(at: Array(field.dropLast())),
            let key = parent.pairs?.first(where: { $0.key.string == last })?.key
        else { return object.location }
        return SourceLocation(path: object.location.path, line: key.position.line, column: key.position.column)
    }
}
