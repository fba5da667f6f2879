import Artifacts
import Foundation
import PropertyBased
import TestSupport
import Testing

/// Semver precedence and tag resolution against an independent model of FLUX.md §4.3.
@Suite struct SemverPropertyTests {
    static let prereleases = [
        "", "", "", "alpha", "alpha.1", "alpha.beta", "alpha.1.1", "beta", "beta.2", "beta.11", "rc.1", "0", "1", "2",
        "x-y", "A",
    ]
    static let builds = ["", "", "build.1", "sha.0abc"]

    /// A version drawn from small components, so that ties and near-ties are common.
    struct Model: CustomStringConvertible {
        var major: Int, minor: Int, patch: Int, prerelease: String, build: String, v: Bool

        init(_ n: Int) {
            major = n % 3
            minor = (n / 3) % 3
            patch = (n / 9) % 3
            prerelease = SemverPropertyTests.prereleases[(n / 27) % SemverPropertyTests.prereleases.count]
            build = SemverPropertyTests.builds[(n / 432) % SemverPropertyTests.builds.count]
            v = (n / 1728) % 2 == 1
        }

        init(_ major: Int, _ minor: Int, _ patch: Int, prerelease: String = "") {
            (self.major, self.minor, self.patch, self.prerelease, build, v) = (
                major, minor, patch, prerelease, "", false
            )
        }

        var description: String {
            (v ? "v" : "") + "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-\(prerelease)")
                + (build.isEmpty ? "" : "+\(build)")
        }

        /// §4.3 ordering, written out: numbers, then release above prerelease, then identifier by identifier.
        static func order(_ a: Model, _ b: Model) -> Int {
            for (x, y) in [(a.major, b.major), (a.minor, b.minor), (a.patch, b.patch)] where x != y {
                return x < y ? -1 : 1
            }
            switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
            case (true, true): return 0
            case (true, false): return 1
            case (false, true): return -1
            case (false, false): break
            }
            let left = a.prerelease.split(separator: ".")
            let right = b.prerelease.split(separator: ".")
            for (x, y) in zip(left, right) where x != y {
                switch (Int(x), Int(y)) {
                case (let i?, let j?): return i < j ? -1 : 1
                case (.some, nil): return -1
                case (nil, .some): return 1
                case (nil, nil): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : 1
                }
            }
            return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
        }
    }

    @Test func precedenceIsATotalOrderThatFollowsTheRules() async throws {
        let checked = Counter()
        await propertyCheck(count: 2000, input: Gen.int(in: 0...9999), Gen.int(in: 0...9999), Gen.int(in: 0...9999)) {
            x, y, z in
            let (a, b, c) = (Model(x), Model(y), Model(z))
            guard let va = SemanticVersion(a.description), let vb = SemanticVersion(b.description),
                let vc = SemanticVersion(c.description)
            else {
                Issue.record("a generated version did not parse: \(a) \(b) \(c)")
                return
            }
            checked.add()
            #expect(va.compare(to: vb) == Model.order(a, b), "\(a) vs \(b)")
            #expect(va.compare(to: vb) == -vb.compare(to: va), "antisymmetry: \(a) vs \(b)")
            #expect(va.compare(to: va) == 0)
            if va.compare(to: vb) <= 0, vb.compare(to: vc) <= 0 {
                #expect(va.compare(to: vc) <= 0, "transitivity: \(a) ≤ \(b) ≤ \(c)")
            }
            var rebuilt = a
            rebuilt.build = "other.9"
            rebuilt.v.toggle()
            #expect(
                SemanticVersion(rebuilt.description)?.compare(to: va) == 0,
                "build metadata and v are ignored: \(a) vs \(rebuilt)")
        }
        print("semver order property: \(checked.value) version triples, 0 violations")
    }

    /// A range and, independently, which versions it admits.
    struct RangeModel: CustomStringConvertible {
        var text: String
        /// One closure per OR-group; a group admits prereleases only when it names one (§4.3).
        var groups: [(admitsPrerelease: Bool, contains: (Model) -> Bool)]
        var description: String { text }

        init(_ n: Int, _ m: Int) {
            let a = Model(n % 27)
            let b = Model(m % 27)
            let (low, high) = Model.order(a, b) <= 0 ? (a, b) : (b, a)
            func ge(_ x: Model) -> (Model) -> Bool { { Model.order($0, x) >= 0 } }
            func lt(_ x: Model) -> (Model) -> Bool { { Model.order($0, x) < 0 } }
            let caret: Model =
                a.major > 0
                ? Model(a.major + 1, 0, 0) : a.minor > 0 ? Model(0, a.minor + 1, 0) : Model(0, 0, a.patch + 1)
            let forms: [(String, Bool, (Model) -> Bool)] = [
                (">=\(low) <\(high)", false, { ge(low)($0) && lt(high)($0) }),
                (">=\(low), <=\(high)", false, { ge(low)($0) && Model.order($0, high) <= 0 }),
                ("\(low) - \(high)", false, { ge(low)($0) && Model.order($0, high) <= 0 }),
                // `~0.0.0` is Masterminds' special case: anything at or above 0.0.0.
                ("~\(a)", false, { ge(a)($0) && (a.description == "0.0.0" || lt(Model(a.major, a.minor + 1, 0))($0)) }),
                ("^\(a)", false, { ge(a)($0) && lt(caret)($0) }),
                (
                    "\(a.major).\(a.minor).x", false,
                    { ge(Model(a.major, a.minor, 0))($0) && lt(Model(a.major, a.minor + 1, 0))($0) }
                ),
                ("\(a.major).x", false, { $0.major == a.major }),
                (">\(a)", false, { Model.order($0, a) > 0 }),
                ("!=\(a)", false, { Model.order($0, a) != 0 }),
                ("*", false, { _ in true }),
                (
                    ">=\(low)-0 <\(high)", true,
                    { Model.order($0, Model(low.major, low.minor, low.patch, prerelease: "0")) >= 0 && lt(high)($0) }
                ),
                (">=0.0.0-0", true, { _ in true }),
            ]
            let first = forms[(n / 27) % forms.count]
            let second = forms[(m / 27) % forms.count]
            if (n / 324) % 3 == 0 {
                text = "\(first.0) || \(second.0)"
                groups = [(first.1, first.2), (second.1, second.2)]
            } else {
                text = first.0
                groups = [(first.1, first.2)]
            }
        }

        func admits(_ version: Model) -> Bool {
            groups.contains { ($0.admitsPrerelease || version.prerelease.isEmpty) && $0.contains(version) }
        }
    }

    @Test func resolveNeverPicksATagOutsideItsRange() async throws {
        let checked = Counter()
        await propertyCheck(
            count: 2000, input: Gen.int(in: 0...9999).array(of: 0...12), Gen.int(in: 0...9999), Gen.int(in: 0...9999)
        ) { numbers, n, m in
            let range = RangeModel(n, m)
            let parsed: SemverRange
            do { parsed = try SemverRange(range.text) } catch {
                Issue.record("\(range) did not parse: \(error)")
                return
            }
            let models = numbers.map(Model.init)
            // Tags Flux never considers ride along and must never be chosen.
            let tags = models.map(\.description) + ["latest", "1.2", "v1"]
            let admitted = models.filter(range.admits)
            checked.add()
            do {
                let selection = try TagSelector.select(from: tags, range: parsed)
                guard let chosen = models.first(where: { $0.description == selection.tag }) else {
                    Issue.record("\(range) chose \(selection.tag), which is not a version")
                    return
                }
                #expect(range.admits(chosen), "\(range) chose \(chosen) from \(tags)")
                #expect(
                    admitted.allSatisfy { Model.order($0, chosen) <= 0 },
                    "\(range) chose \(chosen) below another admitted tag in \(tags)")
            } catch {
                #expect(admitted.isEmpty, "\(range) found nothing in \(tags) but admits \(admitted): \(error)")
            }
        }
        print("semver resolve property: \(checked.value) ranges over generated tag lists, 0 violations")
    }
}
