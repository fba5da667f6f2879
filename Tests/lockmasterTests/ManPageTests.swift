import Foundation
import Support
import TestSupport
import Testing

/// docs/lockmaster.1 is what scripts/man-page makes from the commands today, and man renders it cleanly.
@Suite struct ManPageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var page: String { root.appendingPathComponent("docs/lockmaster.1").path }

    @Test func thePageIsNotStale() async throws {
        let output = try await SystemProcessRunner().run(
            ProcessInvocation(
                "python3",
                [
                    Self.root.appendingPathComponent("scripts/man-page").path,
                    LockmasterBinary.url.path, "--check", Self.page,
                ]))
        #expect(output.status == 0, "\(output.stderr)")
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/man"), "man-db is installed by scripts/test"))
    func manRendersItWithoutWarnings() async throws {
        let output = try await SystemProcessRunner().run(
            ProcessInvocation("man", ["-l", Self.page], environment: ["MANWIDTH": "100"]))
        #expect(output.status == 0 && output.stderr.isEmpty, "\(output.stderr)")
        let text = output.stdout.replacingOccurrences(of: "\u{2010}\n", with: "")
        #expect(text.contains("sandbox (branch) → development (tracks main)"))
        for command in [
            "init", "status", "sandbox create", "sandbox list", "sandbox delete", "check", "render", "diff", "package",
            "publish",
            "resolve", "promote env", "promote app", "rollback", "history", "schema", "demo",
        ] {
            #expect(text.contains("lockmaster \(command)"), "the page misses lockmaster \(command)")
        }
        #expect(text.contains("EXIT STATUS"))
    }
}
