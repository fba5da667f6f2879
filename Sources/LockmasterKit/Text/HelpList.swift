import Foundation

/// Names and what they mean, as `--help` lists rules and gates: the names in a column, each text wrapped
/// under its own column.
enum HelpList {
    static func render(_ rows: [(name: String, text: String)], width: Int = 52) -> String {
        let column = rows.map(\.name.count).max() ?? 0
        return rows.map { row in
            wrap(row.text, width: width).enumerated().map { index, line in
                (index == 0
                    ? row.name.padding(toLength: column, withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: column)) + "  " + line
            }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        return lines + (current.isEmpty ? [] : [current])
    }
}
