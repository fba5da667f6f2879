import Foundation
import LockmasterKit
import Manifests
import Platform
import Support
import TestSupport
import Testing

/// A sandbox across its life on the guide's repository: created (its copy lists the gotk-sync.yaml that
/// bootstrap has not written yet), bootstrapped (bootstrap commits its own sync file on its branch),
/// checked, and planned for deletion at each step.
@Suite struct SandboxLifecycleTests {
    let name = "OPS-9-try-keda"
    let directory = "clusters/sandbox-ops-9-try-keda"

    func deletes(_ repository: TemporaryDirectory) async throws -> (deletes: [ObjectReference], warnings: [String]) {
        let (plan, _) = try await SandboxTeardown().plan(TeardownRequest(repository: repository.url, name: name))
        return (plan.steps.filter { $0.action == .delete }.compactMap(\.object), plan.warnings)
    }

    func check(_ repository: TemporaryDirectory, target: String? = nil) async throws -> CheckReport {
        try await MergeGuard(git: TestGit.client).run(
            CheckRequest(repository: repository.url, target: target, environment: [:]))
    }

    @Test func createBootstrapCheckAndDelete() async throws {
        let repository = try TemporaryDirectory()
        try repository.write(PlatformFixture.files())
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        _ = try await SandboxCreator(git: TestGit.client).run(
            SandboxCreateRequest(repository: repository.url, name: name))
        #expect(try repository.read("\(directory)/flux-system/kustomization.yaml").contains("gotk-sync.yaml"))

        // Before bootstrap: the plan is complete, as if bootstrap had written its files.
        let before = try await deletes(repository)
        #expect(
            before.deletes.contains("HelmRelease/keda/keda")
                && before.deletes.contains("Kustomization/flux-system/platform-services"), "\(before)")
        #expect(before.warnings.allSatisfy { !$0.contains("could not be rendered") }, "\(before.warnings)")

        // flux bootstrap commits the sandbox's own sync file on its branch.
        try repository.write(
            "\(directory)/flux-system/gotk-sync.yaml",
            PlatformFixture.gotkSync("sandbox-ops-9-try-keda")
                .replacingOccurrences(of: "branch: main", with: "branch: \(name)"))
        try await TestGit.commitAll(in: repository.url, message: "Add Flux sync manifests")

        // On its own branch the sync file and the directory are allowed, with notes; toward main both are errors.
        let own = try await check(repository)
        #expect(!own.findings.contains { $0.rule == .syncFileChanged || $0.rule == .sandboxInMain }, "\(own.findings)")
        #expect(
            own.notes.contains {
                $0.contains("\(directory)/flux-system/gotk-sync.yaml is this sandbox branch's own sync file")
            })
        let toMain = try await check(repository, target: "main")
        #expect(
            Set(toMain.findings.filter { $0.severity == .error }.map(\.rule)).isSuperset(of: [
                .syncFileChanged, .sandboxInMain,
            ]))

        let after = try await deletes(repository)
        #expect(
            after.deletes.contains("HelmRelease/keda/keda")
                && !after.deletes.contains("Kustomization/flux-system/flux-system"))
        #expect(after.warnings.allSatisfy { !$0.contains("could not be rendered") }, "\(after.warnings)")
    }

    /// An environment the Flux Operator syncs: the copy's FluxInstance follows the sandbox branch and
    /// builds the copy's directory, byte for byte otherwise.
    @Test func aFluxInstanceSandboxFollowsItsBranch() async throws {
        let repository = try TemporaryDirectory()
        let instance = """
            apiVersion: fluxcd.controlplane.io/v1
            kind: FluxInstance
            metadata:
              name: flux
              namespace: flux-system
            spec:
              distribution: {version: "2.x", registry: ghcr.io/fluxcd}
              sync:
                kind: GitRepository
                url: "https://git.example.com/acme/fleet.git"
                ref: "refs/heads/main"
                path: "clusters/development"

            """
        try repository.write([
            "clusters/development/flux-system/flux-instance.yaml": instance,
            "clusters/development/platform.yaml": """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform, namespace: flux-system}
            spec: {interval: 10m, path: ./platform, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}

            """,
            "platform/settings.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {level: info}\n",
        ])
        try await TestGit.commitAll(in: repository.url)
        _ = try await SandboxCreator(git: TestGit.client).run(
            SandboxCreateRequest(repository: repository.url, name: name))
        #expect(
            try repository.read("\(directory)/flux-system/flux-instance.yaml")
                == instance
                .replacingOccurrences(of: "\"refs/heads/main\"", with: "\"refs/heads/\(name)\"").replacingOccurrences(
                    of: "\"clusters/development\"", with: "\"\(directory)\""))
        let status = try StatusReporter.report(repositoryRoot: repository.url)
        let sandbox = try #require(status.environments.first { $0.directory == directory })
        #expect(sandbox.kind == .tracksBranch && sandbox.ref == name)
        #expect(try await deletes(repository).warnings.allSatisfy { !$0.contains("could not be rendered") })
    }

    /// A sync path below the environment's directory (`clusters/development/flux`, as home-ops repositories
    /// write it): the copy syncs the same place inside itself, not its whole directory (found on
    /// tyriis/home-ops, where the whole directory does not build).
    @Test func aFluxInstanceSyncPathInsideTheDirectoryKeepsItsPlace() async throws {
        let repository = try TemporaryDirectory()
        try repository.write([
            "clusters/development/flux/flux-instance.yaml": """
            apiVersion: fluxcd.controlplane.io/v1
            kind: FluxInstance
            metadata: {name: flux, namespace: flux-system}
            spec:
              distribution: {version: "2.x", registry: ghcr.io/fluxcd}
              sync: {kind: GitRepository, url: "https://git.example.com/acme/fleet.git", ref: "refs/heads/main", path: "./clusters/development/flux"}

            """,
            "clusters/development/flux/platform.yaml": """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform, namespace: flux-system}
            spec: {interval: 10m, path: ./platform, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}

            """,
            "clusters/development/bootstrap/values.yaml": "replicas: 1\n",
            "platform/settings.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {level: info}\n",
        ])
        try await TestGit.commitAll(in: repository.url)
        _ = try await SandboxCreator(git: TestGit.client).run(
            SandboxCreateRequest(repository: repository.url, name: name))
        #expect(try repository.read("\(directory)/flux/flux-instance.yaml").contains("path: \"\(directory)/flux\""))
        let plan = try await deletes(repository)
        #expect(plan.deletes.contains("Kustomization/flux-system/platform"), "\(plan)")
        #expect(plan.warnings.allSatisfy { !$0.contains("could not be rendered") }, "\(plan.warnings)")
    }

    /// `clustersDir: "."`: environments are top-level directories (a home-ops repository whose sync path is
    /// `apps/`). Sandboxes are made, listed and guarded there too, with no git error.
    @Test func theRepositoryRootAsTheClustersDirectory() async throws {
        let repository = try TemporaryDirectory()
        try repository.write([
            "lockmaster.yaml": "clustersDir: \".\"\nenvironments: [apps]\nsandbox: {from: apps}\n",
            "apps/sync.yaml": """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: platform, namespace: flux-system}
            spec: {interval: 1m, url: "https://git.example.com/p.git", ref: {branch: main}}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform, namespace: flux-system}
            spec: {interval: 10m, path: ./platform, prune: true, sourceRef: {kind: GitRepository, name: platform}}

            """,
            "platform/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n",
        ])
        try await TestGit.commitAll(in: repository.url)
        let created = try await SandboxCreator(git: TestGit.client).run(
            SandboxCreateRequest(repository: repository.url, name: "OPS-1-try-it"))
        #expect(created.directory == "sandbox-ops-1-try-it")
        #expect(
            try await SandboxLister(git: TestGit.client).run(repository: repository.url).map(\.directory) == [
                "sandbox-ops-1-try-it"
            ])
        let toMain = try await check(repository, target: "main")
        #expect(toMain.findings.map(\.rule) == [.sandboxInMain])
        // The finding is at the directory's first added file: its lease.
        #expect(toMain.findings.first?.location.path == "sandbox-ops-1-try-it/lease.lockmaster")
    }

    /// Before bootstrap, the GitRepository bootstrap will write carries the origin's URL — without the
    /// token a CI checkout puts there.
    @Test func whatBootstrapWillWriteCarriesNoCredential() async throws {
        let repository = try TemporaryDirectory()
        try repository.write([
            "clusters/dev/flux-system/kustomization.yaml": "resources: [gotk-components.yaml, gotk-sync.yaml]\n",
            "clusters/dev/apps.yaml": RealEstateGuardTests.kustomization(
                "apps", namespace: "flux-system", path: "./apps"),
            "apps/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\n",
        ])
        try await TestGit.commitAll(in: repository.url)
        _ = try await TestGit.run(
            [
                "remote", "add", "origin",
                "https://gitlab-ci-token:s3cret-job-token@gitlab.example.com/acme/platform.git",
            ], in: repository.url)
        let report = try await PlatformRenderer().run(RenderRequest(repository: repository.url, environment: "dev"))
        let text = RenderFormatter.yaml(report)
        #expect(text.contains("url: https://gitlab.example.com/acme/platform.git\n"), "\(text)")
        #expect(!text.contains("s3cret"))
    }
}
