import Foundation
import Support

/// Why a sandbox command refused or stopped.
public enum SandboxError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String, pattern: String)
    case branchExists(String)
    case directoryExists(String)
    case unknownBase(String)
    case notBranchTracking(environment: String, kind: String, reason: String?)
    case noGitSource(directory: String, reason: String)
    case hookFailed(index: Int, command: String, status: Int32, lastLines: [String], name: String, original: String)
    case notResumable(String)
    /// A run that stopped between the branch and the sandbox commit.
    case interrupted(name: String, found: [String], directory: String, base: String)
    /// `sandbox.max` sandboxes are open; the oldest named first.
    case tooMany(max: Int, oldest: [String])
    case unknownSandbox(String, known: [String])

    public var description: String {
        switch self {
        case .tooMany(let max, let oldest):
            return
                "\(max) sandbox\(max == 1 ? " is" : "es are") open, the most sandbox.max in lockmaster.yaml allows; the oldest: \(oldest.joined(separator: ", ")). "
                + "Tear one down (lockmaster sandbox gc, or sandbox delete NAME), or raise sandbox.max"
        case .unknownSandbox(let name, let known):
            return
                "no sandbox \(name) on any branch; sandboxes: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
        case .invalidName(let name, let pattern):
            return
                "'\(name)' is not a sandbox name: it must match \(pattern) (ticket prefix and a hyphenated summary, e.g. OPS-123-add-keda; set sandbox.namePattern in lockmaster.yaml to change the rule)"
        case .branchExists(let name):
            return "a branch named \(name) already exists; choose another name, or delete the branch"
        case .directoryExists(let path):
            return "\(path) already exists; choose another name, or remove that sandbox first"
        case .unknownBase(let base):
            return "base \(base) is not a branch or commit here; pass --base with an existing branch"
        case .notBranchTracking(let environment, let kind, let reason):
            return "\(environment) is \(kind), not an environment that tracks a branch"
                + (reason.map { " (\($0))" } ?? "")
                + "; a sandbox is cloned from one that does (pass --from development)"
        case .noGitSource(let directory, let reason):
            return
                "the copied \(directory) has no platform source of its own to point at the branch: \(reason)"
        case .hookFailed(let index, let command, let status, let lastLines, let name, let original):
            let tail = lastLines.isEmpty ? "" : "\n" + lastLines.map { "  | \($0)" }.joined(separator: "\n")
            return "sandbox.create hook \(index + 1) ('\(command)') exited with status \(status)\(tail)\n"
                + "The branch \(name) and its commit are kept. Fix the cause and resume with: lockmaster sandbox create \(name) --resume\n"
                + "or undo with: git switch \(original) && git branch -D \(name)"
        case .interrupted(let name, let found, let directory, let base):
            // Names come from the repository: the commands are quoted to be pasted as they are.
            let (name, directory, base) = (
                ShellQuoting.quote(name), ShellQuoting.quote(directory), ShellQuoting.quote(base)
            )
            return
                "an earlier sandbox create \(name) stopped before its commit; found: \(found.joined(separator: "; ")).\n"
                + "Finish it with: lockmaster sandbox create \(name) --resume\n"
                + "or remove what it left: git rm -r -q --cached --ignore-unmatch -- \(directory) && rm -rf -- \(directory) && git switch \(base) && git branch -D \(name)"
        case .notResumable(let name):
            return "nothing to resume: check out the sandbox branch \(name) (created by 'sandbox create') first"
        }
    }
}
