import Foundation
import Support
import TestSupport
import Testing

/// `diff`'s danger review through the binary: the corpus of breaking and passing changes, and how the
/// findings are placed, printed and turned into an exit status.
@Suite struct DangerReviewTests {
    /// A scaffolded repository whose development platform holds `platform/services/danger.yaml`.
    private static func repository(with file: String) async throws -> (TemporaryDirectory, TemporaryDirectory) {
        let (layout, repository) = try await LockmasterBinary.scaffold(service: nil)
        try repository.write("platform/services/danger.yaml", file)
        try await TestGit.commitAll(in: repository.url)
        return (layout, repository)
    }

    private static func dangers(_ output: ProcessOutput, key: String = "dangers") throws -> [[String: Any]] {
        let report = try #require(
            try JSONSerialization.jsonObject(with: output.standardOutput) as? [String: Any], "\(output.stderr)")
        let environment = try #require((report["environments"] as? [[String: Any]])?.first)
        return try #require(environment[key] as? [[String: Any]])
    }

    @Test(arguments: DangerCorpus.cases) func corpus(_ danger: DangerCase) async throws {
        let (_, repository) = try await Self.repository(with: danger.before)
        try repository.write("platform/services/danger.yaml", danger.after)
        let output = try await LockmasterBinary.run([
            "diff", "--env", "development", "-o", "json", "--repo", repository.path,
        ])
        let found = try Self.dangers(output).compactMap { $0["rule"] as? String }.sorted()
        #expect(found == danger.expected.sorted(), "\(danger.name)")
        #expect(
            try Self.dangers(output, key: "silencedDangers").compactMap { $0["rule"] as? String } == danger.silenced,
            "\(danger.name)")
    }

    @Test func findingsArePlacedPrintedAndGateTheExitStatus() async throws {
        let (_, repository) = try await Self.repository(
            with: DangerCorpus.deployment() + "---\n" + DangerCorpus.namespace)
        try repository.write("platform/services/danger.yaml", DangerCorpus.deployment(selector: "web-v2"))
        let json = try await LockmasterBinary.run([
            "diff", "--env", "development", "-o", "json", "--repo", repository.path,
        ])
        let found = try Self.dangers(json)
        // Most severe first; the selector at its key in the work tree, the removed Namespace at its document
        // (from its `---`) in the base revision.
        #expect(found.compactMap { $0["rule"] as? String } == ["immutable-selector", "deletes-namespace"])
        let selector = try #require(found.first?["location"] as? [String: Any])
        #expect(selector["path"] as? String == "platform/services/danger.yaml")
        #expect(selector["line"] as? Int == 6)
        #expect((found.last?["location"] as? [String: Any])?["line"] as? Int == 16)
        #expect((found.first?["why"] as? String)?.contains("spec.selector") == true)

        let text = try await LockmasterBinary.run(["diff", "--env", "development", "--repo", repository.path])
        #expect(
            text.stdout.contains(
                "high   Deployment/apps/web: spec.selector changed [immutable-selector] at platform/services/danger.yaml:6:3"
            ))
        let markdown = try await LockmasterBinary.run([
            "diff", "--env", "development", "-o", "markdown", "--repo", repository.path,
        ])
        let table = try #require(markdown.stdout.range(of: "#### Dangerous changes"))
        #expect(table.lowerBound < (markdown.stdout.range(of: "<details>")?.lowerBound ?? markdown.stdout.endIndex))
        let github = try await LockmasterBinary.run([
            "diff", "--env", "development", "-o", "github", "--repo", repository.path,
        ])
        #expect(
            github.stdout.hasPrefix(
                "::error file=platform/services/danger.yaml,line=6,col=3,title=lockmaster diff%3A immutable-selector::development: Deployment/apps/web: spec.selector changed%0Awhy: "
            ))

        #expect(
            try await LockmasterBinary.run([
                "diff", "--env", "development", "--fail-on", "high", "--repo", repository.path,
            ]).status == 1)
        try repository.write(
            "platform/services/danger.yaml", DangerCorpus.deployment(replicas: 2) + "---\n" + DangerCorpus.namespace)
        #expect(
            try await LockmasterBinary.run([
                "diff", "--env", "development", "--fail-on", "low", "--repo", repository.path,
            ]).status == 0)
        try repository.write(
            "platform/services/danger.yaml",
            DangerCorpus.deployment(image: "nginx:2.0.0") + "---\n" + DangerCorpus.namespace)
        #expect(
            try await LockmasterBinary.run([
                "diff", "--env", "development", "--fail-on", "high", "--repo", repository.path,
            ]).status == 0)
        #expect(
            try await LockmasterBinary.run([
                "diff", "--env", "development", "--fail-on", "medium", "--repo", repository.path,
            ]).status == 1)
        #expect(
            try await LockmasterBinary.run([
                "diff", "--env", "development", "--fail-on", "severe", "--repo", repository.path,
            ]).status == 64)
    }

    /// Values from a hostile branch reach the annotations and the comment escaped: a chart name that
    /// holds a newline and a workflow command, or Markdown, stays one annotation and plain text.
    @Test func hostileValuesStayInert() async throws {
        let hostile =
            #"keda\n::error file=README.md::pwned <img src=x onerror=alert(1)> @octocat @acme/admins www.evil.example https://evil.example"#
        let before = DangerCorpus.helmRelease(version: "2.15.0").replacingOccurrences(
            of: "chart: keda", with: "chart: \"\(hostile)\"")
        let (_, repository) = try await Self.repository(with: before)
        try repository.write("platform/services/danger.yaml", before.replacingOccurrences(of: "2.15.0", with: "2.14.0"))
        let github = try await LockmasterBinary.run([
            "diff", "--env", "development", "-o", "github", "--repo", repository.path,
        ])
        let lines = github.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(github.stdout)")
        #expect(lines.first?.hasPrefix("::error file=platform/services/danger.yaml,") == true)
        #expect(!github.stdout.contains("\n::error file=README.md"))
        let markdown = try await LockmasterBinary.run([
            "diff", "--env", "development", "-o", "markdown", "--repo", repository.path,
        ])
        #expect(markdown.stdout.contains("#### Dangerous changes"))
        #expect(!markdown.stdout.contains("<img src=x"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("octocat"), "\(markdown.stdout)")
        HostileMarkdown.expectInert(markdown.stdout)
    }
}
