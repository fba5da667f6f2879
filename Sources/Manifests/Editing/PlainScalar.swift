import Foundation

/// Decides whether a string can be written as a plain (unquoted) YAML scalar and still be read
/// back as the same string, by YAML 1.2 readers and by the YAML 1.1 readers Kubernetes tools use.
enum PlainScalar {
    private static let reserved: Set<String> = [
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
        "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
        ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "<<", "=",
    ]

    /// Numbers (decimal, octal, hex, binary, floats with exponent, sexagesimal) and dates.
    private static let numberLike = try! NSRegularExpression(
        pattern: """
            ^([-+]?(0|[1-9][0-9_]*|0[0-7_]+|0o[0-7]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+)\
            |[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+\
            |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?)$
            """)

    static func canBePlain(_ value: String, inFlow: Bool) -> Bool {
        if reserved.contains(value) { return false }
        if value.first?.isWhitespace == true || value.last?.isWhitespace == true { return false }
        if value.unicodeScalars.contains(where: {
            $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}"
        }) {
            return false
        }
        if let first = value.first, "-?:,[]{}#&*!|>'\"%@`".contains(first) {
            // `-x`, `?x` and `:x` are plain when not followed by a space, but quoting them is clearer.
            return false
        }
        if value.contains(": ") || value.contains(" #") || value.hasSuffix(":") { return false }
        if inFlow, value.contains(where: { ",[]{}".contains($0) }) { return false }
        let range = NSRange(value.startIndex..., in: value)
        return numberLike.firstMatch(in: value, range: range) == nil
    }

    /// A double-quoted scalar for `value`.
    static func doubleQuoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A single-quoted scalar for `value`, or nil when it holds characters single quotes cannot carry.
    static func singleQuoted(_ value: String) -> String? {
        if value.unicodeScalars.contains(where: { $0.value < 0x20 }) { return nil }
        return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
