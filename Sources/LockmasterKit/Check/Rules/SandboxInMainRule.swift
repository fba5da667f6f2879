import Manifests
import Platform
import Support

/// `sandbox-in-main`: a sandbox directory added by a change that targets the branch of record. On the
/// sandbox's own branch (no target named) it is a note; toward another branch it does not apply.
enum SandboxInMainRule: Rule {
    static let id = CheckRule.sandboxInMain
    static let severity = RuleSeverity.error
    static let summary = "a sandbox directory added for main"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        check(input.change, notes: &notes)
    }

    static func check(_ change: ChangeContext, notes: inout [String]) -> [CheckFinding] {
        let settings = change.repository.settings
        var seen: Set<String> = []
        var findings: [CheckFinding] = []
        for (status, path, environment, _) in change.underEnvironments()
        where status == "A" && environment.hasPrefix("sandbox-") {
            let directory = settings.environmentDirectory(environment)
            guard seen.insert(directory).inserted else { continue }
            if let target = change.target, target != settings.branch { continue }
            if change.isOwnBranch(of: environment), let current = change.current {
                notes.append(
                    "\(directory) belongs to this sandbox branch (\(current)); [sandbox-in-main] applies when the change targets \(settings.branch): --target \(settings.branch), or in CI"
                )
                continue
            }
            findings.append(
                CheckFinding(
                    id, .error, at: SourceLocation(path: path),
                    "\(directory) is added: sandbox directories must not reach \(settings.branch)",
                    hint: "remove the sandbox directory from the branch before merging (git rm -r \(directory))"))
        }
        return findings
    }
}
