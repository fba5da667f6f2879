import Foundation
import Support

/// `# lockmaster:ignore=rule-id[,rule-id]` on a finding's line, or anywhere in its YAML document,
/// silences it.
struct Suppressions {
    let root: URL

    func split(_ findings: [CheckFinding]) -> (kept: [CheckFinding], silenced: [CheckFinding]) {
        var cache: [String: [String]] = [:]
        var kept: [CheckFinding] = []
        var silenced: [CheckFinding] = []
        for finding in findings {
            let path = finding.location.path
            if cache[path] == nil {
                let text = (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? ""
                cache[path] = text.components(separatedBy: "\n")
            }
            if isSilenced(finding, lines: cache[path] ?? []) { silenced.append(finding) } else { kept.append(finding) }
        }
        return (kept, silenced)
    }

    private func isSilenced(_ finding: CheckFinding, lines: [String]) -> Bool {
        Self.isSilenced(rule: finding.rule.rawValue, line: finding.location.line, lines: lines)
    }

    /// Whether `lines` silence `rule` for a finding on `line` (1-based): on the line, or in a comment
    /// anywhere in its YAML document.
    static func isSilenced(rule: String, line: Int, lines: [String]) -> Bool {
        guard !lines.isEmpty else { return false }
        let index = min(max(line - 1, 0), lines.count - 1)
        if rules(in: lines[index]).contains(rule) { return true }
        // The document around the line: between the separators before and after it.
        var start = index
        var end = index
        while start > 0, !lines[start].hasPrefix("---") { start -= 1 }
        while end < lines.count - 1, !lines[end + 1].hasPrefix("---") { end += 1 }
        return lines[start...end].contains { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("#") && rules(in: line).contains(rule)
        }
    }

    private static func rules(in line: String) -> [String] {
        guard let comment = line.range(of: "#"),
            let marker = line.range(of: "lockmaster:ignore=", range: comment.upperBound..<line.endIndex)
        else { return [] }
        return line[marker.upperBound...].prefix { !$0.isWhitespace }.split(separator: ",").map(String.init)
    }
}
