import Manifests
import Platform
import Support

/// `source-ignore-changed`: a `.sourceignore` added, changed or deleted. source-controller leaves out of
/// every artifact what these files match (FLUX.md §2.6), so one line can stop Flux applying a file and
/// prune what it declared: a change of that reach is for a reviewer to see (`diff` shows what it leaves out).
enum SourceIgnoreChangedRule: Rule {
    static let id = CheckRule.sourceIgnoreChanged
    static let severity = RuleSeverity.error
    static let summary = "a .sourceignore added, changed or deleted"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        check(input.change)
    }

    static func check(_ change: ChangeContext) -> [CheckFinding] {
        change.changes.filter { $0.path == ".sourceignore" || $0.path.hasSuffix("/.sourceignore") }.map {
            status, path in
            let verb = status == "A" ? "added" : status == "D" ? "deleted" : "changed"
            return CheckFinding(
                id, .error, at: SourceLocation(path: path),
                "\(path) is \(verb): Flux leaves out of its artifact every file it matches, and prunes what they declared",
                hint:
                    "review what it leaves out (lockmaster diff lists what Flux stops applying), then silence this with a comment in it: # lockmaster:ignore=source-ignore-changed"
            )
        }
    }
}
