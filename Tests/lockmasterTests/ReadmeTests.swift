import Foundation
import Support
import TestSupport
import Testing

/// The walk-through is true (the README's five minutes, then docs/walkthrough.md): every ```console
/// block after a `<!-- runnable -->` line is run, in order, in one shell in an empty directory, as a new
/// user would type it, and each command must print what the page shows. `…` stands for any text within a line; a line holding only `…` for any
/// number of lines. A command must succeed unless the README shows it failing (an `error:` line).
@Suite struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The README's five minutes, then the rest of the walk-through, which goes on in the same shell.
    static let walkThrough = ["README.md", "docs/walkthrough.md"].map { root.appendingPathComponent($0) }

    struct Step {
        var command: String
        var expected: [String]
    }

    /// The runnable blocks' commands: `$ ` starts one; it continues over lines ending in `\` and through
    /// a here-document; the lines up to the next `$ ` are its output.
    static func steps(in markdown: String) -> [Step] {
        var steps: [Step] = []
        var lines = markdown.components(separatedBy: "\n")[...]
        while let marker = lines.firstIndex(of: "<!-- runnable -->") {
            lines = lines[(marker + 1)...]
            guard lines.first == "```console" else { continue }
            lines = lines.dropFirst()
            var heredoc: String?
            var continuing = false
            while let line = lines.first, line != "```" || heredoc != nil {
                lines = lines.dropFirst()
                if let end = heredoc {
                    steps[steps.count - 1].command += "\n" + line
                    if line == end { heredoc = nil }
                } else if continuing {
                    steps[steps.count - 1].command += "\n" + line
                } else if line.hasPrefix("$ ") {
                    steps.append(Step(command: String(line.dropFirst(2)), expected: []))
                } else if !steps.isEmpty {
                    steps[steps.count - 1].expected.append(line)
                    continue
                }
                continuing = heredoc == nil && line.hasSuffix("\\")
                if heredoc == nil, let match = line.firstMatch(of: /<<-?'?(\w+)'?\s*$/) { heredoc = String(match.1) }
            }
        }
        return steps
    }

    /// Whether `actual` is what `expected` shows, `…` matching anything.
    static func matches(_ expected: ArraySlice<String>, _ actual: ArraySlice<String>) -> Bool {
        guard let first = expected.first else { return actual.isEmpty }
        if first == "…" {
            return (actual.startIndex...actual.endIndex).contains { matches(expected.dropFirst(), actual[$0...]) }
        }
        guard let line = actual.first, matches(line: first, line) else { return false }
        return matches(expected.dropFirst(), actual.dropFirst())
    }

    static func matches(line pattern: String, _ line: String) -> Bool {
        let parts = pattern.components(separatedBy: "…").map(NSRegularExpression.escapedPattern(for:))
        return line.wholeMatch(of: try! Regex(parts.joined(separator: ".*"))) != nil
    }

    @Test func theParserReadsContinuationsHereDocumentsAndOutput() {
        let steps = Self.steps(
            in: """
                <!-- runnable -->
                ```console
                $ echo a \\
                    b
                a b
                $ cat <<'EOF'
                $ not a command
                EOF
                $ true
                ```
                """)
        #expect(steps.map(\.command) == ["echo a \\\n    b", "cat <<'EOF'\n$ not a command\nEOF", "true"])
        #expect(steps.map(\.expected) == [["a b"], [], []])
        #expect(Self.matches(["x …", "…", "z"], ["x 1", "y", "y", "z"]))
        #expect(!Self.matches(["x …", "z"], ["x 1", "y", "z"]))
        #expect(!Self.matches(line: "a.c", "abc"))
    }

    @Test func everyRunnableBlockPrintsWhatTheReadmeShows() async throws {
        let steps = try Self.walkThrough.flatMap { Self.steps(in: try String(contentsOf: $0, encoding: .utf8)) }
        #expect(steps.count >= 20)
        let directory = try TemporaryDirectory()
        var script = ""
        for (index, step) in steps.enumerated() {
            script += "printf '\\n@@step \(index)@@\\n'\n{\n\(step.command)\n} 2>&1\nprintf '\\n@@exit %d@@\\n' $?\n"
        }
        let environment = [
            "PATH": LockmasterBinary.url.deletingLastPathComponent().path + ":"
                + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "HOME": directory.url.path, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada Ops", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": "Ada Ops",
            "GIT_COMMITTER_EMAIL": "ada@example.com",
        ]
        let output = try await SystemProcessRunner().run(
            ProcessInvocation(
                "bash", ["-c", script], workingDirectory: directory.url,
                environment: environment, timeout: .seconds(300)))
        for (index, step) in steps.enumerated() {
            guard let start = output.stdout.range(of: "\n@@step \(index)@@\n"),
                let end = output.stdout.range(of: "\n@@exit ", range: start.upperBound..<output.stdout.endIndex)
            else {
                Issue.record("step \(index) did not run: \(step.command)")
                return
            }
            let status = output.stdout[end.upperBound...].prefix { $0.isNumber }
            var actual = output.stdout[start.upperBound..<end.lowerBound].components(separatedBy: "\n")
            if actual.last == "" { actual.removeLast() }
            let trimmed = actual.map { String($0.reversed().drop { $0 == " " }.reversed()) }
            #expect(
                Self.matches(step.expected[...], trimmed[...]),
                "\(step.command)\nexpected:\n\(step.expected.joined(separator: "\n"))\nprinted:\n\(trimmed.joined(separator: "\n"))"
            )
            #expect(
                status == "0" || step.expected.contains { $0.contains("error:") }, "\(step.command) exited \(status)")
        }
    }
}
