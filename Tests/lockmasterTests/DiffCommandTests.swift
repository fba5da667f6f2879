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

    /// A Kustomization that no side can read (here: its source is another repository) and the change does
    /// not touch is a note, not a failure; `--strict` makes it one; with nothing else changed it is "no changes".
    @Test func whatTheChangeDoesNotTouchDoesNotFailTheDiff() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold(service: nil)
        try repository.write(
            "clusters/development/elsewhere.yaml",
            """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: elsewhere, namespace: flux-system}
            spec: {interval: 1h, url: https://git.example.com/other.git, ref: {branch: main}}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: elsewhere, namespace: flux-system}
            spec: {interval: 1h, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: elsewhere}}

            """)
        try await TestGit.commitAll(in: repository.url)
        let unchanged = try await LockmasterBinary.run(["diff", "--repo", repository.path, "--env", "development"])
        #expect(unchanged.status == 0, "\(unchanged.stdout)\(unchanged.stderr)")
        #expect(unchanged.stdout.contains("  no changes"), "\(unchanged.stdout)")
        #expect(
            unchanged.stdout.contains(
                "note: 1 Kustomization the change does not touch cannot be read on either side (flux-system/elsewhere)")
        )
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        let changed = try await LockmasterBinary.run([
            "diff", "--repo", repository.path, "--env", "development", "-o", "json",
        ])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(
            changed.stdout.contains("\"untouched\" : [") && changed.stdout.contains("\"problems\" : [\n\n      ]"),
            "\(changed.stdout)")
        let strict = try await LockmasterBinary.run([
            "diff", "--repo", repository.path, "--env", "development", "--strict",
        ])
        #expect(strict.status == 1)
    }
}
