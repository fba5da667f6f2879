/// Text from a repository or a registry, made inert before it is printed: nothing in it may move a
/// terminal's cursor, change its colours or title, reorder what is shown (bidirectional overrides), or
/// start a GitHub Actions workflow command.
public enum Inert {
    /// Control characters — C0 but tab and newline, DEL, C1, and the bidirectional controls — shown as
    /// `\uHHHH`: readable on a terminal, and the same character again inside a JSON string or a YAML
    /// double-quoted scalar, so data formats stay data.
    public static func text(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else { result.unicodeScalars.append(scalar); continue }
            result += "\\u" + hex(scalar.value, width: 4)
        }
        return result
    }

    /// One value on one line: newlines and tabs escaped as well.
    public static func line(_ text: String) -> String {
        Self.text(text).replacing("\n", with: "\\n").replacing("\t", with: "\\t")
    }

    /// A whole output: control characters escaped, and no line able to start a workflow command — GitHub's
    /// runner reads `::command::` at the start of a line (after blanks) and `##[command]` anywhere in it.
    public static func output(_ text: String) -> String {
        let escaped = Self.text(text)
        guard escaped.contains("::") || escaped.contains("##[") else { return escaped }
        return escaped.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var line = String(line)
            // GitHub's runner trims every Unicode white space (.NET's TrimStart) before it looks for `::`.
            if line.drop(while: \.isWhitespace).hasPrefix("::"), let colon = line.firstIndex(of: ":") {
                line.insert("\\", at: colon)
            }
            return line.replacing("##[", with: "#\\#[")
        }.joined(separator: "\n")
    }

    /// Whether a value, printed as it is, would hold control characters or a line that starts a workflow
    /// command (emitters print such values quoted, on one line).
    public static func needsQuoting(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isControl) || text.contains("##[")
            || text.split(separator: "\n").contains { $0.drop(while: \.isWhitespace).hasPrefix("::") }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Values placed into Markdown (and the HTML GitHub allows in it) so that none can open a comment, a
/// tag, a link, a table row, a code span or a fence.
public enum MarkdownText {
    /// Running text or a table cell: one line, with every character Markdown or HTML would act on escaped.
    public static func text(_ text: String) -> String {
        var result = ""
        let characters = Array(Inert.line(text))
        for (index, character) in characters.enumerated() {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "|": result += "\\|"
            case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "!", "~", "{", "}", "$": result += "\\" + String(character)
            // GitHub links `@name` (a notification to that user or team), `www.host` and `scheme://` in text
            // however they are escaped: a zero-width space breaks each, as Dependabot does for mentions.
            case "@": result += "@" + zeroWidthSpace
            case ":" where characters[(index + 1)...].starts(with: ["/", "/"]): result += zeroWidthSpace + "\\:"
            case ":": result += "\\:"
            case "." where characters[..<index].suffix(3).map { $0.lowercased() }.joined() == "www": result += zeroWidthSpace + "."
            default: result.append(character)
            }
        }
        return result
    }

    /// An HTML character reference to U+200B: invisible, and no link or mention spans it.
    static let zeroWidthSpace = "&#8203;"

    /// An inline code span that holds `text` whatever backticks it has (CommonMark: a longer backtick
    /// string), on one line, with `|` escaped so that it cannot end a table cell.
    public static func code(_ text: String) -> String {
        let value = Inert.line(text).replacing("|", with: "\\|")
        let fence = String(repeating: "`", count: longestRun(of: "`", in: value) + 1)
        let padded = value.hasPrefix("`") || value.hasSuffix("`") || value.isEmpty ? " \(value) " : value
        return fence + padded + fence
    }

    /// A code fence longer than any run of backticks in `lines`, so that none of them can close it.
    public static func fence(for lines: [String]) -> String {
        String(repeating: "`", count: max(3, lines.map { longestRun(of: "`", in: $0) }.max().map { $0 + 1 } ?? 3))
    }

    /// Text inside an HTML element (GitHub's `<details>`): `<`, `>`, `&` and quotes as entities.
    public static func html(_ text: String) -> String {
        Inert.line(text).replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
            .replacing("\"", with: "&quot;").replacing("'", with: "&#39;")
            .replacing("@", with: "@" + zeroWidthSpace).replacing("://", with: zeroWidthSpace + "://")
            .replacing(/(?i)www\./) { $0.output.dropLast() + zeroWidthSpace + "." }
    }

    private static func longestRun(of character: Character, in text: String) -> Int {
        var longest = 0, current = 0
        for each in text {
            current = each == character ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}
