import Foundation
import Support
import TestSupport
import Testing

/// examples/pre-commit: the pre-commit framework runs `lockmaster check` before each commit that
/// touches the platform, and a finding stops the commit.
@Suite struct PreCommitTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/pre-commit/.pre-commit-config.yaml")

    /// Needs the pre-commit package, which scripts/test installs.
    @Test func aFindingStopsTheCommit() async throws {
        let home = try TemporaryDirectory()
        let repository = home.url.appendingPathComponent("platform")
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try FileManager.default.copyItem(
            at: Self.config, to: repository.appendingPathComponent(".pre-commit-config.yaml"))
        try await TestGit.commitAll(in: repository, message: "Scaffold")
        let environment = TestGit.environment.merging([
            "HOME": home.path, "PRE_COMMIT_HOME": home.url.appendingPathComponent("cache").path,
            "PATH": LockmasterBinary.url.deletingLastPathComponent().path + ":"
                + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
        ]) { _, new in new }
        func run(_ program: String, _ arguments: [String]) async throws -> ProcessOutput {
            try await SystemProcessRunner().run(
                ProcessInvocation(
                    program, arguments, workingDirectory: repository, environment: environment, timeout: .seconds(120)))
        }
        #expect(try await run("python3", ["-m", "pre_commit", "install"]).status == 0)

        try Data("a: [1, 2\n".utf8).write(to: repository.appendingPathComponent("platform/configs/bad.yaml"))
        _ = try await run("git", ["add", "-A"])
        let refused = try await run("git", ["commit", "-qm", "Add a broken config"])
        #expect(refused.status != 0)
        #expect(
            (refused.stdout + refused.stderr).contains("platform/configs/bad.yaml:2:1: error: invalid YAML"),
            "\(refused.stdout)\(refused.stderr)")
        #expect(try await run("git", ["log", "--format=%s"]).stdout == "Scaffold\n")

        // (Plain data such as `a: [1, 2]` would not do: Flux's generated kustomization refuses a file that
        // is not a Kubernetes object, and check says so as build-failed.)
        try Data(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fixed, namespace: default}\ndata: {a: \"1\"}\n".utf8
        )
        .write(to: repository.appendingPathComponent("platform/configs/bad.yaml"))
        _ = try await run("git", ["add", "-A"])
        let accepted = try await run("git", ["commit", "-qm", "Add a config"])
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
    }
}
