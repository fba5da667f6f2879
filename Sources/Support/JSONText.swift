/// JSON string literals written by hand, where a document is assembled as text: streamed renders, and
/// manifests that must be byte for byte what Go's `encoding/json` writes.
public enum JSONText {
    /// `text` as a JSON string literal. `escapingHTML` also writes `<`, `>`, `&`, U+2028 and U+2029 as
    /// `\u` escapes, as Go's `encoding/json` does by default.
    public static func quoted(_ text: String, escapingHTML: Bool = false) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                if escapingHTML { out += hex(scalar) } else { out.unicodeScalars.append(scalar) }
            default: if scalar.value < 0x20 { out += hex(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
