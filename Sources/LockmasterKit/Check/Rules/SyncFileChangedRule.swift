import Manifests
import Platform
import Support

/// `sync-file-changed`: a `gotk-sync.yaml` added or changed would point an environment at another
/// branch or path, and one deleted unhooks the cluster; on a sandbox's own branch, its own sync file
/// (committed by bootstrap) is a note.
enum SyncFileChangedRule: Rule {
    static let id = CheckRule.syncFileChanged
    static let severity = RuleSeverity.error
    static let summary = "a gotk-sync.yaml added or changed"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        check(input.change, notes: &notes)
    }

    static func check(_ change: ChangeContext, notes: inout [String]) -> [CheckFinding] {
        let branch = change.repository.settings.branch
        let settings = change.repository.settings
        // Deleted: Flux prunes the GitRepository and Kustomization that sync the cluster (a cluster whose
        // directory is gone is environment-removed's).
        let deleted = change.changes.compactMap { status, path -> CheckFinding? in
            let parts = path.split(separator: "/").map(String.init)
            let depth = settings.clustersDepth
            guard status == "D", parts.count == depth + 3,
                parts.prefix(depth).joined(separator: "/") == settings.clustersDir,
                parts.suffix(2) == ["flux-system", "gotk-sync.yaml"], !parts[depth].hasPrefix("sandbox-"),
                change.repository.environment(named: parts[depth]) != nil
            else { return nil }
            return CheckFinding(
                id, .error, at: SourceLocation(path: path),
                "\(path) is deleted: Flux prunes the GitRepository and Kustomization that sync \(parts[depth]), and the cluster stops following this repository",
                hint: "restore it (git checkout \(String(change.base.prefix(12))) -- \(path))")
        }
        return deleted
            + change.underEnvironments().compactMap { status, path, environment, rest in
                guard rest == ["flux-system", "gotk-sync.yaml"] else { return nil }
                if change.isOwnBranch(of: environment) {
                    notes.append(
                        "\(path) is this sandbox branch's own sync file (\(change.current ?? "")); [sync-file-changed] applies when the change targets \(branch)"
                    )
                    return nil
                }
                return CheckFinding(
                    id, .error, at: SourceLocation(path: path),
                    "\(path) is \(status == "A" ? "added" : "changed"): merging it would point \(environment) at another branch or path",
                    hint:
                        "drop this file from the change (git checkout \(String(change.base.prefix(12))) -- \(path), or git rm it)"
                )
            }
    }
}
