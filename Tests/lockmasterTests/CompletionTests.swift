import Foundation
import Support
import TestSupport
import Testing

/// The shell completion scripts load in the shells themselves and complete commands and flags.
@Suite struct CompletionTests {
    func script(_ shell: String) async throws -> String {
        let output = try await LockmasterBinary.run(["--generate-completion-script", shell])
        #expect(output.status == 0)
        return output.stdout
    }

    /// What bash's completion function offers for `line` (the cursor at its end).
    func bashCompletes(_ line: String, in directory: URL? = nil) async throws -> [String] {
        let file = try TemporaryDirectory()
        try file.write("lockmaster.bash", try await script("bash"))
        let words = line.split(separator: " ", omittingEmptySubsequences: false).map { "'\($0)'" }.joined(
            separator: " ")
        // The script runs `lockmaster ---completion …` for values only the repository knows.
        let path =
            LockmasterBinary.url.deletingLastPathComponent().path + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let output = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "bash",
                [
                    "-c",
                    """
                    source '\(file.path)/lockmaster.bash'
                    COMP_WORDS=(\(words)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                    _lockmaster lockmaster "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                    printf '%s\\n' "${COMPREPLY[@]}"
                    """,
                ], workingDirectory: directory, environment: ["PATH": path]))
        #expect(output.stderr.isEmpty, "\(output.stderr)")
        return output.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesCommandsAndFlags() async throws {
        #expect(try await bashCompletes("lockmaster sand") == ["sandbox"])
        #expect(try await bashCompletes("lockmaster sandbox ").contains("create"))
        #expect(try await bashCompletes("lockmaster publish --bu") == ["--bump"])
        #expect(try await bashCompletes("lockmaster diff -o ").sorted() == ["github", "json", "markdown", "text"])
    }

    @Test func bashCompletesEnvironmentNamesFromTheRepository() async throws {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try repository.write("clusters/.hidden/x.yaml", "")
        #expect(
            try await bashCompletes("lockmaster rollback ", in: repository.url) == [
                "development", "production", "staging",
            ])
        #expect(
            try await bashCompletes("lockmaster promote app podinfo --from d", in: repository.url) == ["development"])
        #expect(try await bashCompletes("lockmaster render st", in: repository.url) == ["staging"])
        #expect(try await bashCompletes("lockmaster diff --env-to p", in: repository.url) == ["production"])
        #expect(try await bashCompletes("lockmaster resolve --repo \(repository.path) s") == ["staging"])
        #expect(try await bashCompletes("lockmaster render ", in: URL(fileURLWithPath: "/")) == [])
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh"), "zsh is installed by scripts/test"))
    func zshLoadsTheCompletionFunction() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("_lockmaster", try await script("zsh"))
        let output = try await SystemProcessRunner().run(
            ProcessInvocation(
                "zsh",
                [
                    "-fc",
                    """
                    fpath=('\(directory.path)' $fpath)
                    autoload -Uz compinit && compinit -u -d '\(directory.path)/zcompdump'
                    autoload -Uz +X _lockmaster && print -r -- ${_comps[lockmaster]}
                    """,
                ]))
        #expect(output.status == 0 && output.stderr.isEmpty, "\(output.stderr)")
        #expect(output.stdout == "_lockmaster\n")
    }

    @Test func fishScriptNamesEveryCommand() async throws {
        let fish = try await script("fish")
        for command in [
            "init", "status", "sandbox", "check", "render", "diff", "package", "publish", "resolve", "promote",
            "rollback", "history", "demo",
        ] {
            #expect(
                fish.contains("'\(command)'") || fish.contains(" \(command) ") || fish.contains("\(command)\t"),
                "fish completions miss \(command)")
        }
    }
}
