import Foundation
import Support
import TestSupport
import Testing

/// `render` and `diff` through the built binary.
@Suite struct DiffCommandTests {
    @Test func diffFormatsAndExitCode() async throws {
        let repository = try TemporaryDirectory()
        #expect(
            try await LockmasterBinary.run([
                "init", repository.path, "--git-url", "https://git.example.com/p.git",
                "--artifact", "oci://registry.example.com/p",
            ]).status == 0)
        try await TestGit.commitAll(in: repository.url)
        let clean = try await LockmasterBinary.run([
            "diff", "--repo", repository.path, "--env", "development", "--exit-code",
        ])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("no changes"))
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        let changed = try await LockmasterBinary.run([
            "diff", "--repo", repository.path, "--env", "development", "--exit-code", "-o", "markdown",
        ])
        #expect(changed.status == 1)
        #expect(changed.stdout.hasPrefix("### Lockmaster diff"))
        #expect(changed.stdout.contains("| added | HelmRelease `keda/keda` |  | 2.14.0 |"))
        let rendered = try await LockmasterBinary.run(["render", "development", "--repo", repository.path])
        #expect(rendered.status == 0)
        #expect(
            rendered.stdout.contains(
                "# kustomization: flux-system/platform-services  source: platform/services/keda.yaml"))
        let usage = try await LockmasterBinary.run(["diff", "--versions", "1.0.0"])
        #expect(usage.status == 64)
    }
}
