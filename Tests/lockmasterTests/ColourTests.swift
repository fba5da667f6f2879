import Foundation
import Support
import TestSupport
import Testing

/// `--color` and NO_COLOR: colour only for people, on a terminal, unless told otherwise.
@Suite struct ColourTests {
    static let escape = "\u{1B}["

    /// A repository where check finds one error.
    func repository() async throws -> TemporaryDirectory {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try repository.write("platform/configs/bad.yaml", "a: [1, 2\n")
        return repository
    }

    /// Runs lockmaster under `script`, so that its stdout is a terminal.
    func onATerminal(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let command = ([LockmasterBinary.url.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try await SystemProcessRunner().run(
            ProcessInvocation(
                "script", ["-qec", command, "/dev/null"],
                environment: TestGit.environment.merging(environment) { _, new in new })
        ).stdout
    }

    @Test func autoColoursATerminalOnly() async throws {
        let repository = try await repository()
        let piped = try await LockmasterBinary.run(["check", "--repo", repository.path])
        #expect(piped.status == 1 && piped.stdout.contains(": error: ") && !piped.stdout.contains(Self.escape))
        // swift test itself sets NO_COLOR; an empty value counts as unset (no-color.org).
        let terminal = try await onATerminal(
            ["check", "--repo", repository.path], environment: ["TERM": "xterm", "NO_COLOR": ""])
        #expect(terminal.contains(": \(Self.escape)1;31merror\(Self.escape)0m: "), "\(terminal)")
        let noColor = try await onATerminal(
            ["check", "--repo", repository.path], environment: ["TERM": "xterm", "NO_COLOR": "1"])
        #expect(noColor.contains(": error: ") && !noColor.contains(Self.escape))
        let never = try await onATerminal(
            ["--color", "never", "check", "--repo", repository.path], environment: ["TERM": "xterm", "NO_COLOR": ""])
        #expect(!never.contains(Self.escape))
    }

    @Test func alwaysColoursTextButNeverJSON() async throws {
        let repository = try await repository()
        let text = try await LockmasterBinary.run(
            ["check", "--repo", repository.path, "--color=always"], environment: ["NO_COLOR": "1"])
        #expect(text.stdout.contains("\(Self.escape)1;31merror"))
        for format in ["json", "github", "gitlab"] {
            let output = try await LockmasterBinary.run([
                "check", "--repo", repository.path, "--color", "always", "-o", format,
            ])
            #expect(!output.stdout.contains(Self.escape), "-o \(format) was coloured")
        }
    }

    @Test func diffColoursAddedAndRemovedLines() async throws {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        let output = try await LockmasterBinary.run([
            "diff", "--env", "development", "--repo", repository.path, "--color", "always",
        ])
        #expect(
            output.stdout.contains("\(Self.escape)31m") && output.stdout.contains("\(Self.escape)32m"),
            "\(output.stdout)")
        let markdown = try await LockmasterBinary.run([
            "diff", "--env", "development", "--repo", repository.path, "--color", "always", "-o", "markdown",
        ])
        #expect(!markdown.stdout.contains(Self.escape))
    }

    /// status: unknown in red and the notes in yellow; without the colour codes, exactly the plain text.
    @Test func statusColoursWhatNeedsAttentionAndKeepsItsColumns() async throws {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try repository.write(
            "clusters/lab/apps.yaml",
            """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: flux-system}
            spec: {path: ./apps, sourceRef: {kind: GitRepository, name: elsewhere}}
            """)
        let plain = try await LockmasterBinary.run(["status", "--offline", "--repo", repository.path])
        let coloured = try await LockmasterBinary.run([
            "status", "--offline", "--repo", repository.path, "--color", "always",
        ])
        #expect(
            coloured.stdout.contains("\(Self.escape)31munknown\(Self.escape)0m")
                && coloured.stdout.contains("\(Self.escape)33mnote:"), "\(coloured.stdout)")
        let stripped = coloured.stdout.replacingOccurrences(
            of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain.stdout && !plain.stdout.contains(Self.escape))
        let json = try await LockmasterBinary.run([
            "status", "--offline", "--repo", repository.path, "--color", "always", "-o", "json",
        ])
        #expect(!json.stdout.contains(Self.escape))
    }

    /// A command that waits says what for on a terminal's stderr, and erases the line before printing;
    /// through a pipe, or with --quiet, nothing is added.
    @Test func aSlowCommandSaysWhatItWaitsForOnATerminalOnly() async throws {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try repository.write("slow-kubectl", "#!/bin/sh\nsleep 2\necho 'Unable to connect to the server' >&2\nexit 1\n")
        chmod(repository.url.appendingPathComponent("slow-kubectl").path, 0o755)
        let environment = [
            "LOCKMASTER_KUBECTL": repository.url.appendingPathComponent("slow-kubectl").path, "TERM": "xterm",
            "NO_COLOR": "1",
        ]
        let arguments = ["status", "--repo", repository.path, "--context", "development=dev"]
        let terminal = try await onATerminal(arguments, environment: environment)
        #expect(terminal.contains("asking the registry and the clusters…\r\(Self.escape)K"), "\(terminal)")
        #expect(terminal.contains("unreachable"))
        let quiet = try await onATerminal(["--quiet"] + arguments, environment: environment)
        #expect(!quiet.contains("asking the registry"))
        let piped = try await LockmasterBinary.run(arguments, environment: environment)
        #expect(!piped.stderr.contains("asking the registry") && !piped.stdout.contains("asking the registry"))
    }

    @Test func aBadModeIsAUsageError() async throws {
        let output = try await LockmasterBinary.run(["check", "--color", "sometimes"])
        #expect(output.status == 64)
        #expect(
            output.stderr.hasPrefix(
                "Error: The value 'sometimes' is invalid for '--color <when>'. Please provide one of 'auto', 'always' or 'never'.\n"
            ), "\(output.stderr)")
    }

    /// Every command declares the flags (its help lists them) and takes them before or after its name.
    @Test func everyCommandTakesTheGlobalFlags() async throws {
        let commands = [
            ["init"], ["status"], ["sandbox", "create"], ["sandbox", "list"], ["sandbox", "delete"], ["check"],
            ["render"], ["diff"],
            ["package"], ["publish"], ["resolve"], ["promote", "env"], ["promote", "app"], ["rollback"], ["history"],
            ["schema"], ["demo"],
        ]
        for command in commands {
            let help = try await LockmasterBinary.run(command + ["--help"])
            #expect(
                help.status == 0 && help.stdout.contains("--color <when>") && help.stdout.contains("--quiet")
                    && help.stdout.contains("--verbose"), "\(command)")
        }
        let before = try await LockmasterBinary.run(["--color", "never", "--quiet", "schema"])
        let after = try await LockmasterBinary.run(["schema", "--quiet", "--color=never"])
        #expect(before.status == 0 && before.stdout == after.stdout && before.stdout.hasPrefix("{"))
    }
}

/// `--quiet` and `--verbose`, global like `--color`.
@Suite struct VerbosityTests {
    @Test func verboseShowsEachCommandAndQuietKeepsErrors() async throws {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try await TestGit.commitAll(in: repository.url)
        let verbose = try await LockmasterBinary.run([
            "--verbose", "sandbox", "create", "OPS-3-loud", "--repo", repository.path,
        ])
        #expect(verbose.status == 0)
        #expect(verbose.stderr.contains("+ git -C \(repository.path) commit --quiet --file=-"), "\(verbose.stderr)")
        // Errors survive --quiet.
        let quiet = try await LockmasterBinary.run([
            "sandbox", "create", "OPS-3-loud", "--quiet", "--repo", repository.path,
        ])
        #expect(quiet.status == 1 && quiet.stderr.contains("lockmaster: error:"), "\(quiet.stderr)")
        let both = try await LockmasterBinary.run(["--quiet", "--verbose", "status"])
        #expect(
            both.status == 64 && both.stderr.hasPrefix("Error: --quiet and --verbose exclude each other\n"),
            "\(both.stderr)")
    }
}
