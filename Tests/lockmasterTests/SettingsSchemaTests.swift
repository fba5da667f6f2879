import Foundation
import Platform
import Support
import TestSupport
import Testing

/// lockmaster.yaml has one schema: the one Lockmaster validates with, prints, writes for editors and
/// keeps in docs/. An independent validator (Python jsonschema) must agree with Lockmaster on every case.
@Suite struct SettingsSchemaTests {
    static let documented = JSONSchemaPeer.schemas.appendingPathComponent("lockmaster.yaml.schema.json")

    @Test func theDocumentedSchemaIsTheOneLockmasterUses() async throws {
        let output = try await LockmasterBinary.run(["schema"])
        #expect(output.status == 0)
        #expect(
            output.stdout == (try String(contentsOf: Self.documented, encoding: .utf8)),
            "docs/schemas/lockmaster.yaml.schema.json is stale: lockmaster schema > docs/schemas/lockmaster.yaml.schema.json"
        )
    }

    /// Accepted and refused files: Lockmaster's verdict and jsonschema's must be the same.
    static let corpus: [(name: String, yaml: String, valid: Bool)] = [
        ("empty", "# nothing\n", true),
        (
            "every key",
            """
            branch: trunk
            clustersDir: fleet
            platformPaths: [platform, shared/crds]
            ignore: ["*.md"]
            artifact: oci://ghcr.io/acme/platform
            environments: [dev, stage, prod]
            pinDigest: true
            contexts: {dev: kind-dev}
            sandbox:
              from: dev
              namePattern: '^[a-z]+$'
              exclude: [flux-system/gotk-sync.yaml]
              hooks: {create: ["make up"], destroy: ["make down"]}
            """, true
        ),
        ("quoted number", "branch: '8080'\n", true),
        ("unknown key", "clusterDir: fleet\n", false),
        ("unknown nested key", "sandbox: {namePatern: x}\n", false),
        ("unknown hook", "sandbox: {hooks: {craete: []}}\n", false),
        ("list for string", "branch: [main]\n", false),
        ("number for string", "branch: 8080\n", false),
        ("boolean for string", "artifact: true\n", false),
        ("empty string", "branch: ''\n", false),
        ("string for list", "platformPaths: platform\n", false),
        ("number in list", "environments: [dev, 2]\n", false),
        ("string for boolean", "pinDigest: 'true'\n", false),
        ("word for boolean", "pinDigest: sometimes\n", false),
        ("list for mapping", "contexts: [dev]\n", false),
        ("number context", "contexts: {dev: 1}\n", false),
        ("list at the root", "- branch\n", false),
        ("string for sandbox", "sandbox: dev\n", false),
    ]

    @Test func lockmasterAndJSONSchemaAgree() async throws {
        let directory = try TemporaryDirectory()
        var files: [URL] = []
        for (index, entry) in Self.corpus.enumerated() {
            let file = directory.url.appendingPathComponent("\(index).yaml")
            try Data(entry.yaml.utf8).write(to: file)
            files.append(file)
        }
        let verdicts = try await JSONSchemaPeer.validate(files, against: Self.documented)
        for (index, entry) in Self.corpus.enumerated() {
            let lockmaster = Result { try SettingsLoader.parse(entry.yaml, path: "lockmaster.yaml") }
            let peer = verdicts[files[index].path] ?? "not validated"
            #expect(((try? lockmaster.get()) != nil) == entry.valid, "Lockmaster on \(entry.name): \(lockmaster)")
            #expect((peer == nil) == entry.valid, "jsonschema on \(entry.name): \(peer ?? "valid")")
        }
    }

    @Test func initPointsEditorsAtTheSchema() async throws {
        let directory = try TemporaryDirectory()
        let output = try await LockmasterBinary.run([
            "init", directory.url.path, "--git-url", "https://git.example.com/acme/platform.git",
            "--artifact", "oci://registry.example.com/acme/platform",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        let settings = directory.url.appendingPathComponent("lockmaster.yaml")
        let text = try String(contentsOf: settings, encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=lockmaster.schema.json\n"))
        let written = directory.url.appendingPathComponent("lockmaster.schema.json")
        #expect(
            try String(contentsOf: written, encoding: .utf8)
                == (try String(contentsOf: Self.documented, encoding: .utf8)))
        #expect(try await JSONSchemaPeer.validate([settings], against: written)[settings.path] == .some(nil))
    }
}
