import Foundation
import LockmasterKit
import TestSupport
import Testing

/// The fast diff against the full one on many seeded changes: for each, `diff` (which builds only
/// what the change touches) must print the same JSON, byte for byte, as `diff --build-all`.
///
/// Generated estates run here (`LOCKMASTER_DIFFERENTIAL_MUTATIONS` changes, 500 by default, shared
/// among them); `scripts/fast-diff-proof` runs the same on estates given by path
/// (`LOCKMASTER_DIFFERENTIAL_ESTATES`, colon-separated git work trees, each cloned first).
@Suite struct FastDiffDifferentialTests {
    struct Estate: CustomTestStringConvertible, Sendable {
        var name: String
        var paths: [String]
        var write: @Sendable (TemporaryDirectory) throws -> Void
        var testDescription: String { name }
    }

    static let generated = [
        Estate(name: "home-ops", paths: ["clusters", "kubernetes"], write: FastDiffTests.estate),
        Estate(name: "fleet", paths: FleetEstate.paths, write: FleetEstate.write),
    ]

    static var mutations: Int {
        ProcessInfo.processInfo.environment["LOCKMASTER_DIFFERENTIAL_MUTATIONS"].flatMap(Int.init) ?? 500
    }

    @Test(arguments: generated) func fastEqualsFullOnGeneratedEstates(_ estate: Estate) async throws {
        let repository = try TemporaryDirectory()
        try estate.write(repository)
        try await TestGit.commitAll(in: repository.url)
        let tally = try await Self.compare(
            repository.url, paths: estate.paths, count: Self.mutations / Self.generated.count, seed: 27)
        #expect(tally.mismatches.isEmpty, "\(tally.mismatches.joined(separator: "\n\n"))")
        // The changes must reach the output: most must change what Flux applies.
        #expect(tally.changed * 2 > tally.count, "\(tally.summary)")
        print("\(estate.name): \(tally.summary)")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["LOCKMASTER_DIFFERENTIAL_ESTATES"] != nil))
    func fastEqualsFullOnGivenEstates() async throws {
        let given = ProcessInfo.processInfo.environment["LOCKMASTER_DIFFERENTIAL_ESTATES"] ?? ""
        for path in given.split(separator: ":").map(String.init) {
            let clone = try TemporaryDirectory()
            try await TestGit.run(["clone", "--quiet", path, clone.path], in: clone.url)
            let paths = try FileManager.default.contentsOfDirectory(atPath: clone.path).filter {
                !$0.hasPrefix(".") && Self.isDirectory(clone.url.appendingPathComponent($0))
            }
            let tally = try await Self.compare(clone.url, paths: paths, count: Self.mutations, seed: 27)
            #expect(tally.mismatches.isEmpty, "\(path):\n\(tally.mismatches.joined(separator: "\n\n"))")
            print("\((path as NSString).lastPathComponent): \(tally.summary)")
        }
    }

    struct Tally {
        var count = 0
        var changed = 0
        var problems = 0
        var mismatches: [String] = []
        var seconds = (fast: 0.0, full: 0.0)
        var summary: String {
            "\(count) changes, \(changed) changing what Flux applies, \(problems) with render problems, "
                + "\(mismatches.count) mismatches; fast diff \(String(format: "%.1f", seconds.fast)) s, "
                + "full \(String(format: "%.1f", seconds.full)) s"
        }
    }

    /// Makes `count` seeded changes to the committed work tree at `root` (one or two edits each, the
    /// tree reset between them) and compares the two diffs of each.
    static func compare(_ root: URL, paths: [String], count: Int, seed: UInt64) async throws -> Tally {
        let cache = try TemporaryDirectory()
        // Under a private directory: the cache refuses one whose parent others can write (/tmp).
        let cacheDirectory = RenderCacheDirectory(url: cache.url.appendingPathComponent("builds"), kubectl: "kubectl")
        let mutator = EstateMutator(root: root, paths: paths)
        var generator = SeededGenerator(seed: seed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var tally = Tally()
        for index in 0..<count {
            try await TestGit.run(["checkout", "--quiet", "--", "."], in: root)
            try await TestGit.run(["clean", "--quiet", "-fd"], in: root)
            var edits: [String] = []
            var draws = 0
            while edits.count < (index % 4 == 0 ? 2 : 1), draws < 100 {
                draws += 1
                if let edit = try mutator.apply(using: &generator) { edits.append(edit) }
            }
            let request = DiffRequest(repository: root, sides: .git(base: nil, head: nil))
            let clock = ContinuousClock()
            var fast: DiffReport?
            let fastTime = try await clock.measure {
                fast = try await PlatformDiffer(git: TestGit.client, cacheDirectory: cacheDirectory).run(request)
            }
            var full: DiffReport?
            let fullTime = try await clock.measure {
                full = try await PlatformDiffer(git: TestGit.client, cacheDirectory: cacheDirectory, buildAll: true)
                    .run(request)
            }
            tally.seconds.fast += Double(fastTime.components.seconds) + Double(fastTime.components.attoseconds) / 1e18
            tally.seconds.full += Double(fullTime.components.seconds) + Double(fullTime.components.attoseconds) / 1e18
            tally.count += 1
            if fast!.hasChanges { tally.changed += 1 }
            if fast!.environments.contains(where: { !$0.problems.isEmpty }) { tally.problems += 1 }
            let a = String(decoding: try encoder.encode(fast), as: UTF8.self)
            let b = String(decoding: try encoder.encode(full), as: UTF8.self)
            if a != b {
                tally.mismatches.append(
                    "change \(index) (seed \(seed)): \(edits.joined(separator: "; "))\n" + Self.difference(a, b))
            }
        }
        return tally
    }

    /// The lines only one of two texts has, marked `-` (fast) and `+` (full), at most 40.
    static func difference(_ fast: String, _ full: String) -> String {
        let a = fast.components(separatedBy: "\n")
        let b = full.components(separatedBy: "\n")
        let only = a.difference(from: b).map { change -> String in
            switch change {
            case .insert(_, let line, _): return "- fast: \(line)"
            case .remove(_, let line, _): return "+ full: \(line)"
            }
        }
        return only.prefix(40).joined(separator: "\n")
    }

    static func isDirectory(_ url: URL) -> Bool {
        (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true
    }
}
