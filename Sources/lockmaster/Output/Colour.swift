import Foundation
import Support

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

    /// The one painter: each marked part of the text in its colour, the rest as it is. Every part is
    /// made inert first (`Inert.output`), so only Lockmaster's own codes reach the terminal.
    static func paint(_ text: StyledText) -> String {
        text.spans.map { span in
            let inert = Inert.output(span.text)
            guard let style = span.style else { return inert }
            return paint(inert, code(style))
        }.joined()
    }

    static func code(_ style: StyledText.Style) -> String {
        switch style {
        case .error: "1;31"
        case .warning: "1;33"
        case .failed, .removed: "31"
        case .muted: "2"
        case .success, .added: "32"
        case .changed, .attention, .note: "33"
        }
    }
}
