import Foundation
import Platform
import Support

/// `sandbox-expired`: the change comes from a sandbox's branch whose lease ran out: its cluster is
/// forgotten or about to be collected, and the change may be stale.
enum SandboxExpiredRule: Rule {
    static let id = CheckRule.sandboxExpired
    static let severity = RuleSeverity.warning
    static let summary = "the change comes from a sandbox branch whose lease expired"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        check(input.repository, branch: input.sourceBranch, now: input.now)
    }

    /// - Parameters:
    ///   - branch: the pull request's source branch (the CI's, else the one checked out).
    static func check(_ repository: PlatformRepository, branch: String?, now: Date) -> [CheckFinding] {
        guard let branch else { return [] }
        let path = Sandbox(name: branch, settings: repository.settings).leasePath
        guard let text = RepositoryFile.text(path, in: repository.root, limit: 64 << 10) else { return [] }
        let lease: SandboxLease
        do { lease = try SandboxLease.parse(text, path: path) } catch {
            guard case .malformed(let location, let what) = error else { return [] }
            return [
                CheckFinding(
                    id, .warning, at: location, "the lease of sandbox \(branch) is malformed: \(what)",
                    hint: "rewrite it with lockmaster sandbox extend \(branch)")
            ]
        }
        guard lease.isExpired(at: now) else { return [] }
        let line =
            text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("expires:") }.map {
                $0 + 1
            } ?? 1
        return [
            CheckFinding(
                id, .warning, at: SourceLocation(path: path, line: line),
                "sandbox \(branch)'s lease (\(lease.owner)) expired \(LeaseTime.format(lease.expires)), \(TimeSpan.describe(now.timeIntervalSince(lease.expires))) ago",
                hint:
                    "extend it (lockmaster sandbox extend \(branch) --ttl 3d) or tear it down (lockmaster sandbox delete \(branch))"
            )
        ]
    }
}
