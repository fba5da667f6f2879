import Support

/// A YAML file's text as Unicode scalars with line starts, so that libyaml positions
/// (line, column in scalars) map to exact places and edits touch nothing else.
struct SourceText {
    private let scalars: [Unicode.Scalar]
    private let lineStarts: [Int]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" { starts.append(index + 1) }
        lineStarts = starts
    }

    /// libyaml also breaks lines at a lone `\r` and at NEL/LS/PS; such files are refused rather than guessed at.
    var hasUnsupportedBreaks: Bool {
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" { return true }
            if scalar == "\r", index + 1 >= scalars.count || scalars[index + 1] != "\n" { return true }
        }
        return false
    }

    private func offset(_ position: TextPosition) -> Int {
        // A byte-order mark is not counted in libyaml's first-line columns.
        let bom = position.line == 1 && scalars.first == "\u{FEFF}" ? 1 : 0
        return min(lineStarts[min(position.line - 1, lineStarts.count - 1)] + position.column - 1 + bom, scalars.count)
    }

    private func lineEnd(from index: Int) -> Int {
        var end = index
        while end < scalars.count, scalars[end] != "\n", scalars[end] != "\r" { end += 1 }
        return end
    }

    /// Whether the collection `node` is written in flow style (`{...}` or `[...]`). Read from the
    /// text because Yams does not report collection styles reliably.
    func isFlowCollection(_ node: YAMLNode) -> Bool {
        guard node.pairs != nil || node.items != nil else { return false }
        var index = offset(node.position)
        let end = lineEnd(from: index)
        while index < end, scalars[index] == "&" || scalars[index] == "!" {
            while index < end, scalars[index] != " ", scalars[index] != "\t" { index += 1 }
            while index < end, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        }
        return index < end && (scalars[index] == "{" || scalars[index] == "[")
    }

    /// The range of the scalar's own characters (after any `&anchor` or `!tag`), on one line.
    func scalarSpan(of node: YAMLNode, style: ScalarStyle, inFlow: Bool, key: String, at location: SourceLocation)
        throws(ScalarEditError) -> Range<Int>
    {
        var start = offset(node.position)
        let end = lineEnd(from: start)
        // Skip node properties: `&anchor`, `!tag`, in any order, each followed by blanks.
        while start < end, scalars[start] == "&" || scalars[start] == "!" {
            while start < end, scalars[start] != " ", scalars[start] != "\t" { start += 1 }
            while start < end, scalars[start] == " " || scalars[start] == "\t" { start += 1 }
        }
        var stop = start
        switch style {
        case .literal, .folded:
            throw .blockScalar(location, key: key)
        case .singleQuoted:
            guard start < end, scalars[start] == "'" else {
                throw .unsafe(location, key: key, reason: "cannot find the quoted value")
            }
            stop = start + 1
            while true {
                guard stop < end else { throw .multiline(location, key: key) }
                if scalars[stop] == "'" {
                    if stop + 1 < end, scalars[stop + 1] == "'" {
                        stop += 2
                        continue
                    }
                    stop += 1
                    break
                }
                stop += 1
            }
        case .doubleQuoted:
            guard start < end, scalars[start] == "\"" else {
                throw .unsafe(location, key: key, reason: "cannot find the quoted value")
            }
            stop = start + 1
            while true {
                guard stop < end else { throw .multiline(location, key: key) }
                if scalars[stop] == "\\" {
                    stop += 2
                    continue
                }
                if scalars[stop] == "\"" {
                    stop += 1
                    break
                }
                stop += 1
            }
        case .plain:
            while stop < end {
                let scalar = scalars[stop]
                if scalar == "#", stop > start, scalars[stop - 1] == " " || scalars[stop - 1] == "\t" { break }
                if inFlow, ",[]{}".unicodeScalars.contains(scalar) { break }
                stop += 1
            }
            while stop > start, scalars[stop - 1] == " " || scalars[stop - 1] == "\t" { stop -= 1 }
            // A plain scalar that continues on the next lines reads differently from its first line.
            guard let current = node.string, String(String.UnicodeScalarView(scalars[start..<stop])) == current else {
                throw .multiline(location, key: key)
            }
        }
        return start..<stop
    }

    func replacing(_ range: Range<Int>, with text: String) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<range.lowerBound])
        view.append(contentsOf: text.unicodeScalars)
        view.append(contentsOf: scalars[range.upperBound...])
        return String(view)
    }

    /// The 0-based line before which a sibling of `first` can be inserted: the line after it when
    /// its value is a one-line scalar, otherwise its own line when the key starts that line.
    func insertionLine(after first: YAMLNode.Pair, key: String, at location: SourceLocation) throws(ScalarEditError)
        -> Int
    {
        let keyLine = first.key.position.line - 1
        if case .scalar(_, let style, _) = first.value.content, !first.value.isAlias, style != .literal,
            style != .folded,
            first.value.position.line == first.key.position.line,
            (try? scalarSpan(of: first.value, style: style, inFlow: false, key: key, at: location)) != nil
        {
            return keyLine + 1
        }
        let lineStart = lineStarts[keyLine]
        if scalars[lineStart..<offset(first.key.position)].allSatisfy({ $0 == " " }) { return keyLine }
        throw .cannotInsert(location, key: key, reason: "its siblings are not written one per line")
    }

    /// Inserts `line` before the 0-based line `index`, with the file's own line ending.
    func inserting(line: String, at index: Int) -> String {
        let crlf = lineStarts.count > 1 && lineStarts[1] >= 2 && scalars[lineStarts[1] - 2] == "\r"
        let newline = crlf ? "\r\n" : "\n"
        var view = String.UnicodeScalarView()
        if index < lineStarts.count {
            view.append(contentsOf: scalars[..<lineStarts[index]])
            view.append(contentsOf: (line + newline).unicodeScalars)
            view.append(contentsOf: scalars[lineStarts[index]...])
        } else {
            view.append(contentsOf: scalars)
            if let last = scalars.last, last != "\n" { view.append(contentsOf: newline.unicodeScalars) }
            view.append(contentsOf: (line + newline).unicodeScalars)
        }
        return String(view)
    }
}
