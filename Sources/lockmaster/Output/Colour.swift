import Foundation

/// `--color auto|always|never` and `NO_COLOR`. Only text meant for people is coloured: never JSON,
/// YAML, Markdown or GitHub workflow commands, and in `auto` mode only when stdout is a terminal.
enum Colour {
    enum Mode: String, CaseIterable { case auto, always, never }

    /// Whether this run colours: the run's `OutputContext`.
    static var enabled: Bool { OutputContext.current.colour }

    /// `always` and `never` win; `auto` colours a terminal unless NO_COLOR is set to a non-empty value or TERM is dumb.
    static func resolve(_ mode: Mode, environment: [String: String], stdoutIsTerminal: Bool) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            return stdoutIsTerminal && environment["TERM"] != "dumb"
        }
    }

    static func paint(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// `check` text: the severity word of each finding and the summary.
    static func check(_ text: String) -> String {
        guard enabled else { return text }
        return lines(text) { line in
            for (word, code) in [(": error: ", "1;31"), (": warning: ", "1;33"), (": silenced: ", "2")] {
                if let range = line.range(of: word) {
                    let severity = String(word.dropFirst(2).dropLast(2))
                    return line.replacingCharacters(in: range, with: ": " + paint(severity, code) + ": ")
                }
            }
            if line == "check passed" || line.hasPrefix("check passed (") { return paint(line, "32") }
            return line
        }
    }

    /// `diff` text: added lines green, removed red, changed objects yellow, errors red.
    static func diff(_ text: String) -> String {
        guard enabled else { return text }
        return lines(text) { line in
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("error: ") { return paint(line, "31") }
            switch trimmed.first {
            case "+": return paint(line, "32")
            case "-": return paint(line, "31")
            case "~": return paint(line, "33")
            default: return line
            }
        }
    }

    /// `status` text: what needs attention stands out — unknown kinds and runs, environments behind,
    /// unreachable or not-ready clusters in red or yellow; up to date and ready in green. Words are
    /// painted after the table is laid out, so the columns stay aligned.
    static func status(_ text: String) -> String {
        guard enabled else { return text }
        let words: [(String, String)] = [
            ("NOT at the expected revision", "1;31"), ("unreachable:", "1;31"), ("NotReady", "31"), ("unknown", "31"),
            ("applies the expected revision", "32"), ("Ready", "32"), ("up to date with", "32"), ("note:", "33"),
        ]
        return lines(text) { line in
            var line = line
            if let range = line.range(of: #"\d+ (commits?|versions?) behind"#, options: .regularExpression) {
                line.replaceSubrange(range, with: paint(String(line[range]), "33"))
            }
            for (word, code) in words {
                var start = line.startIndex
                while let range = line.range(of: word, range: start..<line.endIndex) {
                    if line[..<range.lowerBound].hasSuffix("Not") { start = range.upperBound; continue }
                    let painted = paint(word, code)
                    line.replaceSubrange(range, with: painted)
                    start = line.index(range.lowerBound, offsetBy: painted.count)
                }
            }
            return line
        }
    }

    private static func lines(_ text: String, _ transform: (String) -> String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { transform(String($0)) }.joined(separator: "\n")
    }
}
