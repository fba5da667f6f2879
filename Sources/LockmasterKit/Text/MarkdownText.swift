import Support

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
            case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "!", "~", "{", "}", "$":
                result += "\\" + String(character)
            // GitHub links `@name` (a notification to that user or team), `www.host` and `scheme://` in text
            // however they are escaped: a zero-width space breaks each, as Dependabot does for mentions.
            case "@": result += "@" + zeroWidthSpace
            case ":" where characters[(index + 1)...].starts(with: ["/", "/"]): result += zeroWidthSpace + "\\:"
            case ":": result += "\\:"
            case "." where characters[..<index].suffix(3).map { $0.lowercased() }.joined() == "www":
                result += zeroWidthSpace + "."
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
        HTMLText.escape(Inert.line(text))
            .replacing("@", with: "@" + zeroWidthSpace).replacing("://", with: zeroWidthSpace + "://")
            .replacing(/(?i)www\./) { $0.output.dropLast() + zeroWidthSpace + "." }
    }

    private static func longestRun(of character: Character, in text: String) -> Int {
        var longest = 0
        var current = 0
        for each in text {
            current = each == character ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}
