/// A unified diff of two texts, line by line (longest common subsequence), with context.
enum LineDiff {
    /// `-`/`+`/` ` prefixed lines; unchanged runs longer than `2 * context` are cut to `…`.
    static func unified(_ old: String, _ new: String, context: Int = 2) -> [String] {
        func lines(_ text: String) -> [String] {
            var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while result.last?.isEmpty == true { result.removeLast() }
            return result
        }
        let a = lines(old)
        let b = lines(new)
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var diff: [(Character, String)] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                diff.append((" ", a[i]))
                i += 1
                j += 1
            } else if i < a.count, j == b.count || lengths[i + 1][j] >= lengths[i][j + 1] {
                diff.append(("-", a[i]))
                i += 1
            } else {
                diff.append(("+", b[j]))
                j += 1
            }
        }
        // Keep `context` unchanged lines around each change.
        let changed = diff.indices.filter { diff[$0].0 != " " }
        guard !changed.isEmpty else { return [] }
        var keep = Set<Int>()
        for index in changed {
            for k in max(0, index - context)...min(diff.count - 1, index + context) { keep.insert(k) }
        }
        var out: [String] = []
        var skipped = false
        for (index, line) in diff.enumerated() {
            if keep.contains(index) {
                out.append("\(line.0) \(line.1)")
                skipped = false
            } else if !skipped {
                out.append("  …")
                skipped = true
            }
        }
        return out
    }
}
