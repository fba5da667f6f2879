import Artifacts
import Testing

/// Every vector of FLUX.md §4.2 and §4.4 (sets A–E).
@Suite struct SemverRangeTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var range: String
        var version: String
        var matches: Bool
        /// Whether Flux's gate (`ParseVersion`) admits the version string at all.
        var fluxParses = true
        var testDescription: String { "\(range) ∋ \(version) = \(matches)" }
    }

    static let setA: [Vector] = [
        .init(range: "*", version: "1.2.3", matches: true),
        .init(range: "~0.0.0", version: "1.2.3", matches: true),
        .init(range: "0.x.x", version: "1.2.3", matches: false),
        .init(range: "0.0.x", version: "1.2.3", matches: false),
        .init(range: "0.0.0", version: "1.2.3", matches: false),
        .init(range: "^0.0.0", version: "1.2.3", matches: false),
        .init(range: "= 2.0", version: "1.2.3", matches: false),
        .init(range: "= 2.0", version: "2.0.0", matches: true),
        .init(range: "4.1", version: "4.1.0", matches: true),
        .init(range: "4.1.x", version: "4.1.3", matches: true),
        .init(range: "1.x", version: "1.4", matches: true, fluxParses: false),
        .init(range: "!=4.1", version: "4.1.0", matches: false),
        .init(range: "!=4.1-alpha", version: "4.1.0-alpha", matches: false),
        .init(range: "!=4.1-alpha", version: "4.1.1-alpha", matches: false),
        .init(range: "!=4.1-alpha", version: "4.1.0", matches: true),
        .init(range: "!=4.x", version: "5.1.0", matches: true),
        .init(range: "!=4.x", version: "4.1.0", matches: false),
        .init(range: "!=4.1.x", version: "4.2.0", matches: true),
        .init(range: "!=4.2.x", version: "4.2.3", matches: false),
        .init(range: ">1.1", version: "4.1.0", matches: true),
        .init(range: ">1.1", version: "1.1.0", matches: false),
        .init(range: "<1.1", version: "1.1.1", matches: false),
        .init(range: "<1.x", version: "1.1.1", matches: false),
        .init(range: "<1.x", version: "0.1.1", matches: true),
        .init(range: "<1.1.x", version: "1.1.500", matches: false),
        .init(range: "<1.1.x", version: "1.0.500", matches: true),
        .init(range: ">=1.1", version: "4.1.0-beta", matches: false),
        .init(range: "<=1.1", version: "0.1.0-alpha", matches: false),
        .init(range: "<=1.1-a", version: "0.1.0-alpha", matches: true),
        .init(range: "<=1.1", version: "1.1.1", matches: true),
        .init(range: "<=2.x", version: "3.0.0", matches: false),
        .init(range: "<=1.1.x", version: "1.2.500", matches: false),
        .init(range: "<=4.5", version: "4.6.3", matches: false),
        .init(range: ">1.1, <2", version: "1.1.1", matches: false),
        .init(range: ">1.1, <2", version: "1.2.1", matches: true),
        .init(range: ">1.1 <2", version: "1.2.1", matches: true),
        .init(range: ">=1.1, <2, !=1.2.3", version: "1.2.3", matches: false),
        .init(range: ">=1.1, <2, !=1.2.3 || > 3", version: "4.1.2", matches: true),
        .init(range: ">=1.1, <2, !=1.2.3 || > 3", version: "3.1.2", matches: false),
        .init(range: ">=1.1, <2, !=1.2.3 || >= 3", version: "3.0.0", matches: true),
        .init(range: ">=1.1, <2, !=1.2.3 || > 3", version: "3.0.0", matches: false),
        .init(range: ">= 1.0.0  <= 2.0.0-beta", version: "1.0.1-beta", matches: true),
        .init(range: ">= 1.0.0  <= 2.0.0-beta || > 3", version: "3.0.1-beta", matches: false),
        .init(range: ">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3", version: "1.0.1-beta", matches: true),
        .init(range: ">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", version: "1.0.1-beta", matches: false),
        .init(range: ">= 1.0.0-0  <= 2.0.0", version: "1.0.1-beta", matches: true),
        .init(range: "1.1 - 2", version: "1.1.1", matches: true),
        .init(range: "1.5.0 - 4.5", version: "3.7.0", matches: true),
        .init(range: "1.1-3", version: "4.3.2", matches: false),
        .init(range: "^1.1", version: "4.3.2", matches: false),
        .init(range: "^1.x", version: "1.1.1", matches: true),
        .init(range: "^1.x", version: "1.1.1-beta1", matches: false),
        .init(range: "^1.1.2-alpha", version: "1.2.1-beta1", matches: true),
        .init(range: "^1.2.x-alpha", version: "1.1.1-beta1", matches: false),
        .init(range: "^0.0.1", version: "0.0.1", matches: true),
        .init(range: "^0.0.1", version: "0.3.1", matches: false),
        .init(range: "~*", version: "2.1.1", matches: true),
        .init(range: "~1", version: "2.1.1", matches: false),
        .init(range: "~1", version: "1.3.5", matches: true),
        .init(range: "~1.x", version: "1.4", matches: true, fluxParses: false),
        .init(range: "~1.1", version: "1.1.1-alpha", matches: false),
        .init(range: "~1.1-alpha", version: "1.1.1-beta", matches: true),
        .init(range: "~1.1.1-beta", version: "1.1.1-alpha", matches: false),
        .init(range: "~1.1.1-beta", version: "1.1.1", matches: true),
        .init(range: "~1.2.3", version: "1.2.5", matches: true),
        .init(range: "~1.2.3", version: "1.2.2", matches: false),
        .init(range: "~1.2.3", version: "1.3.2", matches: false),
        .init(range: "1.0.0 - 2.0.0, <=2.0.0", version: "1.5.0", matches: true),
    ]

    static let setB: [Vector] = [
        .init(range: "=2.0", version: "2.0.1", matches: true),
        .init(range: "!=4.1", version: "4.1.1", matches: false),
        .init(range: "<11", version: "11.1.0", matches: false),
        .init(range: "<=11", version: "11.2.3", matches: true),
        .init(range: "<=11", version: "12.2.3", matches: false),
        .init(range: ">0", version: "0.0.1-alpha", matches: false),
        .init(range: ">0.0.0-0", version: "0.0.0-alpha", matches: true),
        .init(range: ">0-0", version: "0.0.0-alpha", matches: false),
        .init(range: ">=0-0", version: "0.0.0-alpha", matches: true),
        .init(range: ">11", version: "11.1.0", matches: false),
        .init(range: ">11.1", version: "11.1.1", matches: false),
        .init(range: ">11.1", version: "11.2.1", matches: true),
        .init(range: "*", version: "1.2.3-alpha.1", matches: false),
        .init(range: "*-0", version: "1.2.3-alpha.1", matches: true),
        .init(range: "2.*", version: "3.4.5", matches: false),
        .init(range: "2.1.*", version: "2.2.1", matches: false),
        .init(range: "~1.2", version: "1.3.4", matches: false),
        .init(range: "~0.2.3", version: "0.3.5", matches: false),
        .init(range: "~1.2.3-beta.2", version: "1.2.4-beta.2", matches: true),
        .init(range: "~1.2.3-beta.2", version: "1.3.4-beta.2", matches: false),
        .init(range: "^1.2.0", version: "1.2.1-alpha.1", matches: false),
        .init(range: "^1.2.0-alpha.0", version: "1.2.1-alpha.1", matches: true),
        .init(range: "^1.2.0-alpha.2", version: "1.2.0-alpha.1", matches: false),
        .init(range: "^0.2.3", version: "0.2.5", matches: true),
        .init(range: "^0.2.3", version: "0.5.6", matches: false),
        .init(range: "^0.0.3", version: "0.0.3", matches: true),
        .init(range: "^0.0.3", version: "0.0.4", matches: false),
        .init(range: "^0.0", version: "0.0.3", matches: true),
        .init(range: "^0.0", version: "0.1.4", matches: false),
        .init(range: "^0", version: "0.2.3", matches: true),
        .init(range: "^0", version: "1.1.4", matches: false),
        .init(range: "^0.2.3-beta.2", version: "0.2.4-beta.2", matches: true),
        .init(range: "2", version: "3.4.5", matches: false),
        .init(range: ">=1.1", version: "0.0.9", matches: false),
    ]

    /// Derived in FLUX.md from the code rather than from tests.
    static let derived: [Vector] = [
        .init(range: "0.0.x", version: "0.0.5", matches: true),
        .init(range: "0.0.x", version: "0.1.0", matches: false),
        .init(range: ">5.0.0", version: "5.0.1-rc.1", matches: false),
        .init(range: ">=1.0.0-alpha, <2.0.0", version: "1.5.0-beta", matches: true),
        .init(range: "~1.4.0", version: "1.4.9", matches: true),
        .init(range: "~1.4.0", version: "1.5.0", matches: false),
    ]

    @Test(arguments: setA + setB + derived)
    func vector(_ vector: Vector) throws {
        let range = try SemverRange(vector.range)
        let version = try #require(SemanticVersion(vector.version))
        #expect(range.contains(version) == vector.matches)
        #expect((SemanticVersion.flux(vector.version) != nil) == vector.fluxParses)
    }

    @Test(arguments: ["v1.2.3-beta.01", ">= bar", "BAR >= 1.2.3", "12.3.4.1234", "12.3.34~ 1.2.3", ""])
    func setCErrors(_ text: String) {
        #expect(throws: SemverRangeError.self) { try SemverRange(text) }
    }

    @Test(arguments: [">= 1.2.3 < 2.0 || => 3.0 < 4", "3 - 4 || => 3.0, < 4", "v2.3.5-20161202202307-sha.e8fc5e5"])
    func setCValid(_ text: String) throws {
        _ = try SemverRange(text)
    }

    @Test func setDOrdering() throws {
        func v(_ text: String) throws -> SemanticVersion { try #require(SemanticVersion(text)) }
        #expect(try v("1.3").compare(to: v("1.1.4")) > 0)
        #expect(try v("4.2").compare(to: v("4.2-beta")) > 0)
        #expect(try v("4.2-beta.2").compare(to: v("4.2-beta.1")) > 0)
        #expect(try v("4.2-beta2").compare(to: v("4.2-beta1")) > 0)
        #expect(try v("4.2-beta").compare(to: v("4.2-beta.2")) < 0)
        #expect(try v("4.2-beta.foo").compare(to: v("4.2-beta")) > 0)
        #expect(try v("1.2+bar").compare(to: v("1.2+baz")) == 0)
        #expect(try v("1.0.0-beta.4").compare(to: v("1.0.0-beta.-2")) < 0)
    }

    @Test(arguments: [
        ("v1.2.3", true), ("v2025.07.03", true), ("v1.2.0-x.Y.0+metadata", true), ("v1.2.3-rc1-with-hypen", true),
        ("v1.0", false), ("v1", false), ("v1.2.beta", false), ("v1.2-5", false), ("v1.2-beta5", false),
        ("\nv1.2", false), ("v1.2.3.4", false), ("1.2-rc.1", true), ("V1.2.3", false), ("latest", false),
    ])
    func fluxVersionGate(text: String, parses: Bool) {
        #expect((SemanticVersion.flux(text) != nil) == parses)
    }

    @Test func originalIsKeptAndNormalisedFormDiffers() throws {
        let version = try #require(SemanticVersion.flux("v01.2.3"))
        #expect(version.original == "v01.2.3")
        #expect(version.normalized == "1.2.3")
    }

    static let setETags = [
        "6.1.4", "6.1.5-beta.1", "6.1.5-rc.1", "6.1.5", "6.1.6-rc.1", "6.1.6", "6.2.1_ref.1234567", "6.2.1",
    ]

    @Test func setESelection() throws {
        #expect(try TagSelector.select(from: Self.setETags, range: SemverRange("~6.1.x")).tag == "6.1.6")
        let rc = try TagSelector.select(from: Self.setETags, range: SemverRange(">= 6.1.x-0"), filter: ".*-rc.*")
        #expect(rc.tag == "6.1.6-rc.1")
        #expect(rc.candidates == ["6.1.6-rc.1", "6.1.5-rc.1"])
        let helm = try TagSelector.select(from: Self.setETags, range: SemverRange(">= 6.2.0"), helmTags: true)
        #expect(["6.2.1_ref.1234567", "6.2.1"].contains(helm.tag))
        #expect(Set([helm.tag] + helm.ties) == ["6.2.1_ref.1234567", "6.2.1"])
        #expect(throws: TagSelectionError.noMatch(range: ">= 6.1.x-0", filter: ".*-alpha.*")) {
            try TagSelector.select(from: Self.setETags, range: SemverRange(">= 6.1.x-0"), filter: ".*-alpha.*")
        }
    }

    @Test func vPrefixSurvivesAndTiesAreReported() throws {
        let selection = try TagSelector.select(
            from: ["v1.0.0", "1.0.0", "0.9.0", "latest", "1.0"], range: SemverRange(">=0.1.0"))
        #expect(selection.tag == "v1.0.0")
        #expect(selection.ties == ["1.0.0"])
        #expect(selection.candidates == ["v1.0.0", "1.0.0", "0.9.0"])
    }
}

@Suite struct NextVersionTests {
    @Test(arguments: [
        ("~0.1.0", [String](), "0.1.0"), ("0.0.x", [], "0.0.1"),
        ("~1.4.0", ["1.4.2", "1.4.10", "1.5.0", "latest"], "1.4.11"),
        (">1.2.3 <2", [], "1.2.4"), ("^1.2", ["v1.2.0"], "v1.2.1"), ("~1.4.0", ["1.3.9"], "1.4.0"),
    ])
    func nextPatchInsideTheRange(range: String, tags: [String], expected: String) throws {
        #expect(try NextVersion.inRange(SemverRange(range), tags: tags).original == expected)
    }

    @Test func anExhaustedRangeSuggestsAMinorBump() throws {
        #expect(
            throws: NextVersionError.rangeExhausted(
                range: "1.4.0 - 1.4.2", highest: "1.4.2", next: "1.4.3", minor: "1.5.0")
        ) {
            try NextVersion.inRange(SemverRange("1.4.0 - 1.4.2"), tags: ["1.4.2"])
        }
    }

    @Test func bumps() {
        #expect(NextVersion.bumped(.patch, tags: ["1.4.2", "1.3.9"]).original == "1.4.3")
        #expect(NextVersion.bumped(.minor, tags: ["1.4.2"]).original == "1.5.0")
        #expect(NextVersion.bumped(.major, tags: ["v1.4.2"]).original == "v2.0.0")
        #expect(NextVersion.bumped(.minor, tags: ["latest"]).original == "0.1.0")
    }
}
