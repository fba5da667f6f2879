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
            guard isControl(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
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
