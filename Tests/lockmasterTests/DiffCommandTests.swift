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

/// A Kustomization diff cannot read is "untouched" only when the change touches nothing of this
/// repository its content comes from; otherwise the diff fails rather than say "no changes".
@Suite struct UntouchedContentTests {
    func diff(_ repository: TemporaryDirectory) async throws -> ProcessOutput {
        try await LockmasterBinary.run(["diff", "--repo", repository.path, "--env", "development"])
    }

    @Test func aGeneratedArtifactOfThisRepositoryIsTouchedByItsFolders() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold(service: nil)
        try repository.write(
            "clusters/development/generated.yaml",
            """
            apiVersion: source.extensions.fluxcd.io/v1beta1
            kind: ArtifactGenerator
            metadata: {name: apps, namespace: flux-system}
            spec:
              sources: [{alias: repo, kind: GitRepository, name: flux-system}]
              artifacts:
              - name: apps
                copy: [{from: "@repo/apps/base/**", to: "@artifact/"}]
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: flux-system}
            spec: {interval: 1h, path: ./, prune: true, sourceRef: {kind: ExternalArtifact, name: apps}}

            """)
        try repository.write("apps/base/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n")
        try await TestGit.commitAll(in: repository.url)
        try repository.write("apps/other/readme.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
        let elsewhere = try await diff(repository)
        #expect(elsewhere.status == 0, "\(elsewhere.stdout)")
        #expect(elsewhere.stdout.contains("the change does not touch cannot be read on either side (flux-system/apps)"))
        try repository.write("apps/base/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app2}\n")
        let touched = try await diff(repository)
        #expect(touched.status == 1, "\(touched.stdout)")
        #expect(!touched.stdout.contains("no changes"), "\(touched.stdout)")
        #expect(touched.stdout.contains("Kustomization flux-system/apps: could not be built"), "\(touched.stdout)")
        // The same problem on both sides is said once.
        #expect(touched.stdout.components(separatedBy: "error: flux-system/apps").count == 2, "\(touched.stdout)")
    }

    @Test func aRemoteResourceLeavesItsKustomizationUntouchedUnlessItsOwnFilesOrChildrenChange() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold(service: nil)
        let ks = { (name: String, path: String) in
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: \(name), namespace: flux-system}\nspec: {interval: 1h, path: \(path), prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n"
        }
        try repository.write(
            "clusters/development/crds.yaml", ks("crds", "./crds") + "---\n" + ks("holder", "./holder"))
        try repository.write(
            "crds/kustomization.yaml", "resources: [https://example.com/crds.yaml, ./local.yaml]\n")
        try repository.write("crds/local.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: local}\n")
        // A Kustomization that cannot be built and applies another: what its child reads is unknown.
        try repository.write(
            "holder/kustomization.yaml", "resources: [https://example.com/more.yaml, ./child.yaml]\n")
        try repository.write("holder/child.yaml", ks("child", "./child"))
        try repository.write("child/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: child}\n")
        try await TestGit.commitAll(in: repository.url)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        let elsewhere = try await diff(repository)
        #expect(elsewhere.status == 1, "\(elsewhere.stdout)")
        #expect(elsewhere.stdout.contains("flux-system/holder: could not be built"), "\(elsewhere.stdout)")
        #expect(
            elsewhere.stdout.contains("the change does not touch cannot be read on either side (flux-system/crds)"),
            "\(elsewhere.stdout)")
        try repository.write("crds/local.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: local2}\n")
        let own = try await diff(repository)
        #expect(own.stdout.contains("flux-system/crds: could not be built"), "\(own.stdout)")
    }

    /// An entry that fails to build on both sides hides the Kustomizations it would apply, so a change may
    /// be among them: it fails the diff (it said "no changes", exit 0). With nothing changed it is a note.
    @Test func anEntryThatCannotBeBuiltFailsTheDiffOfAnyChange() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        // Flux makes the entry's kustomization.yaml from every folder that has one: this one lists a missing file.
        try repository.write("clusters/development/broken/kustomization.yaml", "resources: [./missing.yaml]\n")
        try await TestGit.commitAll(in: repository.url)
        let unchanged = try await diff(repository)
        #expect(unchanged.status == 0, "\(unchanged.stdout)")
        #expect(unchanged.stdout.contains("  no changes"), "\(unchanged.stdout)")
        #expect(
            unchanged.stdout.contains("cannot be read on either side (flux-system/flux-system)"), "\(unchanged.stdout)")
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.15.0"))
        for extra in [[], ["--build-all"]] {
            let changed = try await LockmasterBinary.run(
                ["diff", "--repo", repository.path, "--env", "development"] + extra)
            #expect(changed.status == 1, "\(changed.stdout)")
            #expect(!changed.stdout.contains("no changes"), "\(changed.stdout)")
            #expect(changed.stdout.contains("could not be built"), "\(changed.stdout)")
        }
    }

    /// A change that deletes an environment's directory: Flux there finds no path and stops applying (it
    /// prunes nothing), so the diff fails and says so; it said "no changes" for the others and nothing of it.
    @Test func deletingAnEnvironmentFailsTheDiff() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        try FileManager.default.removeItem(at: repository.url.appendingPathComponent("clusters/staging"))
        for extra in [[], ["--build-all"]] {
            let deleted = try await LockmasterBinary.run(["diff", "--repo", repository.path] + extra)
            #expect(deleted.status == 1, "\(deleted.stdout)")
            #expect(deleted.stdout.contains("== staging"), "\(deleted.stdout)")
            #expect(
                deleted.stdout.contains(
                    "the change deletes clusters/staging: Flux there fails with 'kustomization path not found'"),
                "\(deleted.stdout)")
            #expect(!deleted.stdout.contains("(removed)"), "\(deleted.stdout)")
        }
    }

    /// source-controller leaves out what a .sourceignore matches, and Flux's defaults (`cloudbuild.yaml`,
    /// `.github/`, …) where there is none: render does too, so diff shows what Flux stops applying (a branch
    /// that hid a NetworkPolicy was "no changes"). A GitRepository's spec.ignore is not applied: a change to
    /// it fails the diff.
    @Test func whatFluxLeavesOutOfItsArtifactIsLeftOut() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        try repository.write("platform/services/.sourceignore", "keda.yaml\n")
        let ignored = try await LockmasterBinary.run(["diff", "--repo", repository.path, "--env", "development"])
        #expect(ignored.status == 0, "\(ignored.stdout)")
        #expect(ignored.stdout.contains("- HelmRelease/keda/keda (removed)"), "\(ignored.stdout)")
        try FileManager.default.removeItem(at: repository.url.appendingPathComponent("platform/services/.sourceignore"))
        try FileManager.default.moveItem(
            at: repository.url.appendingPathComponent("platform/services/keda.yaml"),
            to: repository.url.appendingPathComponent("platform/services/cloudbuild.yaml"))
        let renamed = try await LockmasterBinary.run(["diff", "--repo", repository.path, "--env", "development"])
        #expect(renamed.stdout.contains("- HelmRelease/keda/keda (removed)"), "\(renamed.stdout)")
        try FileManager.default.moveItem(
            at: repository.url.appendingPathComponent("platform/services/cloudbuild.yaml"),
            to: repository.url.appendingPathComponent("platform/services/keda.yaml"))
        try repository.replace(
            "clusters/development/platform.yaml", "    !/platform/\n",
            "    !/platform/\n    /platform/services/keda.yaml\n")
        let narrowed = try await LockmasterBinary.run(["diff", "--repo", repository.path, "--env", "development"])
        #expect(narrowed.status == 1, "\(narrowed.stdout)")
        #expect(narrowed.stdout.contains("the change sets spec.ignore of GitRepository"), "\(narrowed.stdout)")
    }

    /// A FluxInstance that syncs an OCI artifact of a path this repository holds syncs this repository,
    /// published: diff compares what git holds there.
    @Test func anOperatorsOCISyncOfThisRepositoryIsReadFromGit() async throws {
        let repository = try TemporaryDirectory()
        try repository.write(
            "lockmaster.yaml",
            "clustersDir: clusters\nplatformPaths: [tenants]\nbranch: main\nenvironments: [staging]\n")
        try repository.write(
            "clusters/staging/flux-system/instance.yaml",
            """
            apiVersion: fluxcd.controlplane.io/v1
            kind: FluxInstance
            metadata: {name: flux, namespace: flux-system}
            spec:
              distribution: {version: "2.7.x", registry: ghcr.io/fluxcd}
              sync: {kind: OCIRepository, url: "oci://ghcr.io/acme/fleet", ref: latest, path: clusters/staging}

            """)
        try repository.write(
            "clusters/staging/tenants.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: tenants, namespace: flux-system}\nspec: {interval: 1h, path: ./tenants, prune: true, sourceRef: {kind: OCIRepository, name: flux-system}}\n"
        )
        try repository.write("tenants/team.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n")
        try await TestGit.commitAll(in: repository.url)
        try repository.replace("tenants/team.yaml", "name: team", "name: team-b")
        let result = try await LockmasterBinary.run(["diff", "--repo", repository.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("+ Namespace/team-b (added)"), "\(result.stdout)")
    }
}
