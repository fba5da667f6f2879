/// Go's `filepath.Match` for one path component, also used for the shell patterns of substitutions:
/// `*`, `?`, `[...]` with ranges and `^` negation, and `\` escapes. A malformed pattern matches
/// nothing, as `Match` returns an error for it.
public enum Glob {
    public static func match(_ pattern: String, _ name: String) -> Bool {
        matchHere(Array(pattern.unicodeScalars)[...], Array(name.unicodeScalars)[...]) ?? false
    }

    private static func matchHere(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool? {
        var p = pattern
        var n = name
        while let c = p.first {
            switch c {
            case "*":
                let rest = p.dropFirst()
                // Try every split; `*` never crosses `/`, and components hold none.
                var candidate = n
                while true {
                    if let result = matchHere(rest, candidate), result { return true }
                    guard !candidate.isEmpty else { return false }
                    candidate = candidate.dropFirst()
                }
            case "?":
                guard !n.isEmpty else { return false }
                p = p.dropFirst()
                n = n.dropFirst()
            case "[":
                guard let ch = n.first else { return false }
                guard let (matched, rest) = matchClass(p.dropFirst(), ch) else { return nil }
                guard matched else { return false }
                p = rest
                n = n.dropFirst()
            case "\\":
                p = p.dropFirst()
                guard let escaped = p.first else { return nil }
                guard n.first == escaped else { return false }
                p = p.dropFirst()
                n = n.dropFirst()
            default:
                guard n.first == c else { return false }
                p = p.dropFirst()
                n = n.dropFirst()
            }
        }
        return n.isEmpty
    }

    /// Reads a class after `[`; returns whether `ch` is in it and the pattern after `]`, or nil if malformed.
    private static func matchClass(_ pattern: ArraySlice<Unicode.Scalar>, _ ch: Unicode.Scalar) -> (
        Bool, ArraySlice<Unicode.Scalar>
    )? {
        var p = pattern
        var negated = false
        if p.first == "^" {
            negated = true
            p = p.dropFirst()
        }
        var matched = false
        var first = true
        while true {
            guard var low = p.first else { return nil }
            if low == "]", !first {
                p = p.dropFirst()
                break
            }
            first = false
            p = p.dropFirst()
            if low == "\\" {
                guard let escaped = p.first else { return nil }
                low = escaped
                p = p.dropFirst()
            }
            var high = low
            if p.first == "-", let next = p.dropFirst().first, next != "]" {
                p = p.dropFirst(2)
                high = next
                if high == "\\" {
                    guard let escaped = p.first else { return nil }
                    high = escaped
                    p = p.dropFirst()
                }
            }
            if low.value <= ch.value, ch.value <= high.value { matched = true }
        }
        return (matched != negated, p)
    }
}
