import Foundation
import Platform
import Support
import TestSupport
import Testing

/// docs/commands.md and docs/lockmaster-yaml.md are what scripts/reference makes from the commands'
/// help, docs/schemas and `lockmaster schema` today; the settings reference's example is a valid file.
@Suite struct ReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theReferencesAreNotStale() async throws {
        let output = try await SystemProcessRunner().run(
            ProcessInvocation(
                "python3",
                [
                    Self.root.appendingPathComponent("scripts/reference").path,
                    LockmasterBinary.url.path, "--check",
                ]))
        #expect(output.status == 0, "\(output.stderr)")
    }

    @Test func theCommandReferenceCoversEveryCommandAndShape() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/commands.md"), encoding: .utf8)
        for command in [
            "init", "status", "sandbox create", "sandbox list", "sandbox delete", "check", "render", "diff", "package",
            "publish",
            "resolve", "promote env", "promote app", "rollback", "history", "schema", "keygen", "verify",
            "sandbox extend", "sandbox gc", "demo",
        ] {
            #expect(text.contains("## `lockmaster \(command)`"), "no section for \(command)")
        }
        let schemas = try FileManager.default.contentsOfDirectory(atPath: JSONSchemaPeer.schemas.path).filter {
            $0 != "lockmaster.yaml.schema.json"
        }
        for schema in schemas { #expect(text.contains("(schemas/\(schema))"), "\(schema) is not referenced") }
        #expect(text.components(separatedBy: "**Exit status:**").count - 1 == 21)
    }

    @Test func theSettingsExampleIsValid() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/lockmaster-yaml.md"), encoding: .utf8)
        let example = try #require(text.components(separatedBy: "```yaml\n").last?.components(separatedBy: "```").first)
        let settings = try SettingsLoader.parse(example, path: "docs/lockmaster-yaml.md")
        #expect(settings.sandbox.hooks.destroy.count == 1 && settings.pinDigest)
    }
}
