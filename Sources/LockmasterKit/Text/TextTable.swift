public import Support

/// Left-aligned columns separated by two spaces, as kubectl prints them.
public enum TextTable {
    public static func render(header: [String], rows: [[String]]) -> [String] {
        render(header: header.map { StyledText($0) }, rows: rows.map { $0.map { StyledText($0) } }).map(\.plain)
    }

    /// Cells keep their marks; columns are as wide as their widest plain text.
    public static func render(header: [StyledText], rows: [[StyledText]]) -> [StyledText] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].plain.count }.max() ?? 0 }
        return all.map { row in
            var line = StyledText()
            for (index, cell) in row.enumerated() {
                if index > 0 { line.append("  ") }
                line.append(cell)
                if index < row.count - 1 {
                    line.append(String(repeating: " ", count: max(0, widths[index] - cell.plain.count)))
                }
            }
            return line
        }
    }
}
