import Foundation

/// `--color auto|always|never` and `NO_COLOR`. Only text meant for people is coloured: never JSON, YAML, Markdown or
/// GitHub workflow commands, and in `auto` mode only when stdout is a terminal.
enum Colour {
    enum Mode: String, CaseIterable { case auto, always, never }

    /// Set once in `main`, before any command runs.
    nonisolated(unsafe) static var enabled = false

    /// Removes the global flags (before a `--`): `--color X` / `--color=X`, `--quiet`, `--verbose`.
    static func extract(from arguments: [String]) throws(GlobalOptionError) -> (mode: Mode, quiet: Bool, verbose: Bool, rest: [String]) {
        var mode = Mode.auto
        var quiet = false, verbose = false
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { rest += arguments[index...]; break }
            if argument == "--quiet" || argument == "--verbose" {
                if argument == "--quiet" { quiet = true } else { verbose = true }
            } else if argument == "--color" || argument.hasPrefix("--color=") {
                let value: String
                if argument == "--color" {
                    guard index + 1 < arguments.count else { throw GlobalOptionError(value: nil) }
                    value = arguments[index + 1]
                    index += 1
                } else {
                    value = String(argument.dropFirst("--color=".count))
                }
                guard let parsed = Mode(rawValue: value) else { throw GlobalOptionError(value: value) }
                mode = parsed
            } else {
                rest.append(argument)
            }
            index += 1
        }
        if quiet, verbose { throw GlobalOptionError(value: nil, message: "--quiet and --verbose exclude each other") }
        return (mode, quiet, verbose, rest)
    }

    /// `always` and `never` win; `auto` colours a terminal unless NO_COLOR is set (to anything) or TERM is dumb.
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

    private static func lines(_ text: String, _ transform: (String) -> String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { transform(String($0)) }.joined(separator: "\n")
    }
}

/// A global flag used wrongly: a usage error (exit 64).
struct GlobalOptionError: Error, CustomStringConvertible {
    var value: String?
    var message: String?
    var description: String {
        message ?? "--color takes one of auto, always, never" + (value.map { " (not '\($0)')" } ?? "")
    }
}
