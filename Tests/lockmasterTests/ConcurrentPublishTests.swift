import Artifacts
import Foundation
import Support
import TestSupport
import Testing

/// Three `lockmaster publish --bump patch` processes at the same moment, 50 rounds: distinct versions,
/// nothing overwritten, every published digest under exactly one new tag.
@Suite(.serialized) struct ConcurrentPublishTests {
    @Test func fiftyRoundsOfThreePublishers() async throws {
        let registry = try await LocalRegistry()
        let url = registry.url("platform")
        var clones: [TemporaryDirectory] = []
        for _ in 0..<3 {
            let clone = try TemporaryDirectory()
            try clone.write(PlatformFixture.files())
            try clone.write("lockmaster.yaml", "artifact: \(url)\n")
            try await TestGit.commitAll(in: clone.url)
            try await TestGit.run(
                ["remote", "add", "origin", "https://git.example.com/acme/platform.git"], in: clone.url)
            clones.append(clone)
        }
        let client = RegistryClient(endpoint: try RegistryEndpoint.parse(url))
        var violations = 0
        var moved = 0
        for round in 1...50 {
            for (index, clone) in clones.enumerated() {
                try clone.write(
                    "platform/services/round.yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: r, namespace: r}\ndata: {round: \"\(round)\", publisher: \"\(index)\"}\n"
                )
                try await TestGit.commitAll(in: clone.url, message: "round \(round)")
            }
            let before = Set(try await client.listTags())
            let outputs = try await withThrowingTaskGroup(of: ProcessOutput.self) { group in
                for clone in clones {
                    group.addTask {
                        try await LockmasterBinary.run([
                            "publish", "--repo", clone.path, "--bump", "patch", "-o", "json",
                        ])
                    }
                }
                var all: [ProcessOutput] = []
                for try await output in group { all.append(output) }
                return all
            }
            var claimed: [String: String] = [:]
            for output in outputs {
                guard output.status == 0,
                    let report = try? JSONSerialization.jsonObject(with: output.standardOutput) as? [String: Any],
                    let tag = report["tag"] as? String, let digest = report["digest"] as? String
                else {
                    violations += 1
                    continue
                }
                moved += (report["takenByOthers"] as? [String])?.count ?? 0
                if claimed[tag] != nil { violations += 1 }
                claimed[tag] = digest
            }
            // Every published digest is reachable under exactly one new tag, the one it reported.
            let new = Set(try await client.listTags()).subtracting(before)
            var holders: [String: [String]] = [:]
            for tag in new {
                if let digest = try await client.manifestDigest(tag) { holders[digest, default: []].append(tag) }
            }
            for (tag, digest) in claimed where holders[digest] != [tag] { violations += 1 }
            if new.count != 3 { violations += 1 }
        }
        print(
            "race: 50 rounds of 3 concurrent publishers, \(moved) versions lost to another publisher and moved past, \(violations) violations"
        )
        #expect(violations == 0)
    }
}
