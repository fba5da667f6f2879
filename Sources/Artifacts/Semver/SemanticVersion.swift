/// A version as Masterminds/semver v3 reads it (`NewVersion`, with coercion): an optional lowercase
/// `v`, major with optional `.minor` and `.patch` (missing parts are 0, leading zeros accepted),
/// optional `-prerelease` and `+build`. `original` keeps the text exactly as given.
public struct SemanticVersion: Sendable, Hashable, CustomStringConvertible {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    /// Dot-separated prerelease identifiers, without the leading `-`; empty for a release.
    public var prerelease: String
    public var build: String
    public var original: String

    /// Parses `text` with Masterminds' loose rules. Returns nil where `NewVersion` errors.
    public init?(_ text: String) {
        var rest = Substring(text)
        if rest.first == "v" { rest = rest.dropFirst() }
        func number() -> UInt64?? {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return .none }
            rest = rest.dropFirst(digits.count)
            return .some(UInt64(digits))
        }
        guard case .some(let major?) = number() else { return nil }
        var minor: UInt64 = 0
        var patch: UInt64 = 0
        if rest.first == "." {
            rest = rest.dropFirst()
            guard case .some(let value?) = number() else { return nil }
            minor = value
            if rest.first == "." {
                rest = rest.dropFirst()
                guard case .some(let value?) = number() else { return nil }
                patch = value
            }
        }
        var prerelease = ""
        var build = ""
        if rest.first == "-" {
            let end = rest.firstIndex(of: "+") ?? rest.endIndex
            prerelease = String(rest[rest.index(after: rest.startIndex)..<end])
            rest = rest[end...]
            guard Self.validIdentifiers(prerelease, numericWithoutLeadingZero: true) else { return nil }
        }
        if rest.first == "+" {
            build = String(rest.dropFirst())
            rest = ""
            guard Self.validIdentifiers(build, numericWithoutLeadingZero: false) else { return nil }
        }
        guard rest.isEmpty else { return nil }
        self.init(major: major, minor: minor, patch: patch, prerelease: prerelease, build: build, original: text)
    }

    public init(
        major: UInt64, minor: UInt64, patch: UInt64, prerelease: String = "", build: String = "",
        original: String? = nil
    ) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
        self.original = original ?? Self.format(major, minor, patch, prerelease, build)
    }

    /// Non-empty dot-separated identifiers of `[0-9A-Za-z-]`; in a prerelease, numeric ones without leading zeros.
    private static func validIdentifiers(_ text: String, numericWithoutLeadingZero: Bool) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { identifier in
            guard !identifier.isEmpty,
                identifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { return false }
            if numericWithoutLeadingZero, identifier.allSatisfy(\.isNumber), identifier.count > 1,
                identifier.first == "0"
            {
                return false
            }
            return true
        }
    }

    private static func format(_ major: UInt64, _ minor: UInt64, _ patch: UInt64, _ prerelease: String, _ build: String)
        -> String
    {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-\(prerelease)") + (build.isEmpty ? "" : "+\(build)")
    }

    /// The normalised form (Masterminds' `String()`): no `v`, zero-filled, leading zeros dropped.
    public var normalized: String { Self.format(major, minor, patch, prerelease, build) }

    public var description: String { original }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    /// SemVer precedence (Masterminds' `Compare`): build metadata is ignored.
    public func compare(to other: SemanticVersion) -> Int {
        if major != other.major { return major < other.major ? -1 : 1 }
        if minor != other.minor { return minor < other.minor ? -1 : 1 }
        if patch != other.patch { return patch < other.patch ? -1 : 1 }
        if prerelease.isEmpty, other.prerelease.isEmpty { return 0 }
        if prerelease.isEmpty { return 1 }
        if other.prerelease.isEmpty { return -1 }
        return Self.comparePrerelease(prerelease, other.prerelease)
    }

    /// Masterminds' `comparePrerelease`: identifier by identifier; a missing identifier is lower.
    static func comparePrerelease(_ a: String, _ b: String) -> Int {
        let left = a.split(separator: ".", omittingEmptySubsequences: false)
        let right = b.split(separator: ".", omittingEmptySubsequences: false)
        for index in 0..<max(left.count, right.count) {
            let s = index < left.count ? left[index] : ""
            let o = index < right.count ? right[index] : ""
            if s == o { continue }
            if s.isEmpty { return -1 }
            if o.isEmpty { return 1 }
            // Numbers sort below words; `-2` is a word, not a negative number.
            switch (UInt64(s), UInt64(o)) {
            case (let x?, let y?): return x > y ? 1 : -1
            case (.some, nil): return -1
            case (nil, .some): return 1
            case (nil, nil): return s > o ? 1 : -1
            }
        }
        return 0
    }

    /// Flux's gate in front of Masterminds (`fluxcd/pkg/version.ParseVersion`): the text must have at
    /// least two dots (`SplitN(v, ".", 3)` must give three parts), then parse as above.
    public static func flux(_ text: String) -> SemanticVersion? {
        guard text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).count == 3 else { return nil }
        return SemanticVersion(text)
    }
}
