import Foundation
import Manifests
import Platform
import Support

/// `settings-changed`: the change edits `lockmaster.yaml` or a trusted key file. check and diff read
/// both from the base, so the edit takes effect only once it merges, and a reviewer has to see it: it
/// could switch rules off, move what is inspected, raise a limit or replace a trust root. Only a
/// `# lockmaster:ignore=settings-changed` line in the base's own `lockmaster.yaml` silences it.
enum SettingsChangedRule: Rule {
    static let id = CheckRule.settingsChanged
    static let severity = RuleSeverity.error
    static let summary =
        "lockmaster.yaml or a trusted key file changed (read from the base; only the base's settings can silence it)"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        check(base: input.base, root: input.root, baseKeys: input.baseKeys)
    }

    /// The most lines of a diff shown in one finding.
    static let diffLines = 40

    /// - Parameter baseKeys: the trusted key files as the base has them, by path.
    static func check(base: BaseSettings, root: URL, baseKeys: [String: String]) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        let name = LockmasterSettings.fileName
        let current = RepositoryFile.text(name, in: root)
        if current != base.text {
            findings.append(
                CheckFinding(
                    id, .error, at: SourceLocation(path: name, line: firstDifference(base.text, current)),
                    "\(name) is \(base.text == nil ? "added" : current == nil ? "removed" : "changed") by this change: check and diff read it from the base "
                        + "(\(base.revision.prefix(12))), so it takes effect only after it merges\n"
                        + diff(base.text, current),
                    hint: "have a reviewer approve the settings change, or leave \(name) out of this change"))
        }
        // Trust roots: the base's keys, and any the change names.
        let named = Set(
            base.settings.signing.trustedKeys
                + ((try? SettingsLoader.parse(current ?? "", path: name))?.signing.trustedKeys ?? []))
        for path in named.sorted() {
            let before = baseKeys[path]
            let after = RepositoryFile.text(path, in: root)
            guard before != after else { continue }
            findings.append(
                CheckFinding(
                    id, .error, at: SourceLocation(path: path),
                    "trusted key \(path) is \(before == nil ? "added" : after == nil ? "removed" : "replaced") by this change: it decides which artifacts production accepts",
                    hint: "have a reviewer approve the new trust root in a change of its own"))
        }
        return findings
    }

    /// Whether the base's settings silence this rule (the change's own files never can).
    static func isSilenced(by base: BaseSettings) -> Bool {
        (base.text ?? "").split(separator: "\n").contains { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("#") && line.contains("lockmaster:ignore=")
                && line.contains(id.rawValue)
        }
    }

    private static func firstDifference(_ old: String?, _ new: String?) -> Int {
        let a = (old ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        let b = (new ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) where index >= a.count || index >= b.count || a[index] != b[index] {
            return min(index + 1, max(b.count, 1))
        }
        return 1
    }

    /// The lines only one side has, `-` for the base and `+` for the change, in order (a short line diff).
    static func diff(_ old: String?, _ new: String?) -> String {
        let a = (old ?? "").split(separator: "\n").map(String.init)
        let b = (new ?? "").split(separator: "\n").map(String.init)
        // Longest common subsequence over lines: settings files are small.
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var lines: [String] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1
                j += 1
            } else if i < a.count, j == b.count || table[i + 1][j] >= table[i][j + 1] {
                lines.append("- " + a[i])
                i += 1
            } else {
                lines.append("+ " + b[j])
                j += 1
            }
        }
        let shown = lines.prefix(diffLines).map { Inert.line($0) }
        return shown.joined(separator: "\n")
            + (lines.count > diffLines ? "\n… \(lines.count - diffLines) more lines" : "")
    }
}
