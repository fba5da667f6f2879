import Foundation

/// Why a range could not be parsed.
public struct SemverRangeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var range: String
    public var segment: String

    public var description: String {
        segment.isEmpty || segment == range
            ? "improper semver range \"\(range)\""
            : "improper semver range \"\(range)\": cannot read \"\(segment.trimmingCharacters(in: .whitespaces))\""
    }
}

/// A Masterminds/semver v3 constraint set (`NewConstraint` + `Check`), as Flux uses it:
/// `||` between AND-groups, AND by whitespace or commas, operators `= != > < >= => <= =< ~ ~> ^`,
/// wildcards `x X *`, hyphen ranges `A - B`, and prereleases admitted per AND-group only when
/// some constraint of that group carries one (v3.4.0 and later).
public struct SemverRange: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    let groups: [[Constraint]]

    public var description: String { text }

    public init(_ text: String) throws(SemverRangeError) {
        self.text = text
        let rewritten = Self.rewriteHyphenRanges(text)
        var groups: [[Constraint]] = []
        for segment in rewritten.components(separatedBy: "||") {
            guard Patterns.matches(Patterns.valid, segment) else {
                throw SemverRangeError(range: text, segment: segment)
            }
            var pieces = Patterns.all(Patterns.find, segment)
            if pieces.isEmpty { pieces = [segment] }
            var group: [Constraint] = []
            for piece in pieces {
                guard let constraint = Constraint(piece) else { throw SemverRangeError(range: text, segment: piece) }
                group.append(constraint)
            }
            groups.append(group)
        }
        self.groups = groups
    }

    /// Whether `version` satisfies the range.
    public func contains(_ version: SemanticVersion) -> Bool {
        groups.contains { group in
            let admitsPrerelease = group.contains { $0.version.isPrerelease }
            return group.allSatisfy { $0.check(version, admitsPrerelease: admitsPrerelease) }
        }
    }

    /// `A - B` (spaces on both sides) becomes `>= A, <= B`, as Masterminds' `rewriteRange` does.
    private static func rewriteHyphenRanges(_ text: String) -> String {
        var output = text
        for match in Patterns.allMatches(Patterns.hyphen, text) {
            let whole = match[0]
            let low = match[1]
            let high = match[11]
            if let range = output.range(of: whole) {
                output.replaceSubrange(range, with: ">= \(low), <= \(high) ")
            }
        }
        return output
    }
}

/// One operator and version, with which positions were wildcards or missing ("dirty").
struct Constraint: Sendable, Hashable {
    var op: String
    var version: SemanticVersion
    var dirty = false, minorDirty = false, patchDirty = false

    init?(_ text: String) {
        guard let match = Patterns.allMatches(Patterns.single, text).first else { return nil }
        op = match[1]
        let major = match[3]
        let minor = match[4]
        let patch = match[5]
        let prerelease = match[6]
        func isWildcard(_ part: String) -> Bool { ["x", "X", "*"].contains(part) }
        var versionText = match[2]
        if isWildcard(major) || major.isEmpty {
            versionText = "0.0.0" + prerelease
            dirty = true
        } else if isWildcard(String(minor.dropFirst())) || minor.isEmpty {
            versionText = "\(major).0.0\(prerelease)"
            dirty = true
            minorDirty = true
        } else if isWildcard(String(patch.dropFirst())) || patch.isEmpty {
            versionText = "\(major)\(minor).0\(prerelease)"
            dirty = true
            patchDirty = true
        }
        guard let version = SemanticVersion(versionText) else { return nil }
        self.version = version
    }

    func check(_ v: SemanticVersion, admitsPrerelease: Bool) -> Bool {
        if v.isPrerelease, !admitsPrerelease { return false }
        let c = version
        switch op {
        case "", "=":
            return dirty ? tilde(v) : v.compare(to: c) == 0
        case "!=":
            if dirty {
                if c.major != v.major { return true }
                if c.minor != v.minor, !minorDirty { return true }
                if minorDirty { return false }
                if c.patch != v.patch, !patchDirty { return true }
                if patchDirty {
                    if v.isPrerelease || c.isPrerelease {
                        return SemanticVersion.comparePrerelease(v.prerelease, c.prerelease) != 0
                    }
                    return false
                }
            }
            return v.compare(to: c) != 0
        case ">":
            guard dirty else { return v.compare(to: c) > 0 }
            if v.major != c.major { return v.major > c.major }
            if minorDirty { return false }
            if patchDirty { return v.minor > c.minor }
            return v.compare(to: c) > 0
        case "<":
            return v.compare(to: c) < 0
        case ">=", "=>":
            return v.compare(to: c) >= 0
        case "<=", "=<":
            guard dirty else { return v.compare(to: c) <= 0 }
            if v.major > c.major { return false }
            if v.major == c.major, v.minor > c.minor, !minorDirty { return false }
            return true
        case "~", "~>":
            return tilde(v)
        case "^":
            if v.compare(to: c) < 0 { return false }
            if c.major > 0 || minorDirty { return v.major == c.major }
            if v.major > 0 { return false }
            if c.minor > 0 || patchDirty { return v.minor == c.minor }
            if v.minor > 0 { return false }
            return v.patch == c.patch
        default:
            return false
        }
    }

    private func tilde(_ v: SemanticVersion) -> Bool {
        let c = version
        if v.compare(to: c) < 0 { return false }
        // `~0.0.0` (and `*`) accept everything at or above 0.0.0.
        if c.major == 0, c.minor == 0, c.patch == 0, !minorDirty, !patchDirty { return true }
        if v.major != c.major { return false }
        if v.minor != c.minor, !minorDirty { return false }
        return true
    }
}

/// Masterminds' regular expressions, unchanged (ICU and RE2 both prefer the leftmost alternative).
enum Patterns {
    static let version =
        #"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"#
    static let ops = #"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"#
    // RE2's \s is ASCII whitespace only.
    static let space = #"[\t\n\f\r ]"#

    static let single = regex(#"^\#(space)*(\#(ops))\#(space)*(\#(version))\#(space)*\z"#)
    static let hyphen = regex(#"\#(space)*(\#(version))\#(space)+-\#(space)+(\#(version))\#(space)*"#)
    static let find = regex(#"(\#(ops))\#(space)*(\#(version))"#)
    static let valid = regex(
        #"^(\#(space)*(\#(ops))\#(space)*(\#(version))\#(space)*)((?:\#(space)+|,\#(space)*)(\#(ops))\#(space)*(\#(version))\#(space)*)*\z"#
    )

    private static func regex(_ pattern: String) -> NSRegularExpression {
        // The patterns are constants: a failure here is a programming error caught by every test.
        try! NSRegularExpression(pattern: pattern)
    }

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Every non-overlapping match's whole text.
    static func all(_ regex: NSRegularExpression, _ text: String) -> [String] {
        allMatches(regex, text).map { $0[0] }
    }

    /// Every match with all its groups; a group that did not take part is "".
    static func allMatches(_ regex: NSRegularExpression, _ text: String) -> [[String]] {
        regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }
}
