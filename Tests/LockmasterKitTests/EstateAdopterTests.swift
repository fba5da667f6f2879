import Foundation
import LockmasterKit
import Manifests
import Platform
import TestSupport
import Testing

/// `init --adopt` on the layouts public estates use; it writes lockmaster.yaml and nothing else.
@Suite struct EstateAdopterTests {
    func adopt(_ files: [String: String]) async throws -> (TemporaryDirectory, AdoptReport) {
        let directory = try TemporaryDirectory()
        try directory.write(files)
        try await TestGit.commitAll(in: directory.url)
        let report = try await EstateAdopter(git: TestGit.client).run(AdoptRequest(directory: directory.url))
        return (directory, report)
    }

    @Test func aHomeOpsRepository() async throws {
        let (directory, report) = try await adopt(RealEstateGuardTests.homeOps.filter { $0.key != "lockmaster.yaml" })
        #expect(
            report.clustersDir == "kubernetes/flux" && report.platformPaths == ["kubernetes"] && report.branch == "main"
        )
        #expect(report.environments.map(\.name) == ["cluster"] && report.environments.first?.role == "development")
        #expect(
            report.environments.first?.syncedBy.hasPrefix(
                "HelmRelease flux-system/flux-instance (flux-instance chart values)") == true)
        let written = try directory.read("lockmaster.yaml")
        #expect(
            written.contains(
                "# clustersDir: the directory above each cluster's entry: kubernetes/flux/cluster (synced by HelmRelease"
            ))
        let settings = try SettingsLoader.load(repositoryRoot: directory.url)
        #expect(
            settings.clustersDir == "kubernetes/flux" && settings.platformPaths == ["kubernetes"]
                && settings.environments == ["cluster"])
        // Sandboxes copy the environment that tracks the branch of record, whatever its name.
        #expect(settings.sandbox.from == "cluster")
        // The guide's staging and production rules, for roles this estate does not have, are off, saying why.
        #expect(settings.check.rules == ["production-pinned": "off", "staging-patch-range": "off"])
        #expect(
            written.contains(
                "    # check.rules.staging-patch-range: off, since no environment tracks a semver range after cluster; remove this line when one does\n    staging-patch-range: \"off\"\n"
            ))
        #expect(
            written.contains(
                "# sandbox.from: cluster tracks main, so a sandbox is a copy of it\nsandbox:\n  from: \"cluster\"\n"))
        // Only lockmaster.yaml is new.
        #expect(try await TestGit.run(["status", "--porcelain"], in: directory.url) == "?? lockmaster.yaml\n")
        // Adopting again is refused and changes nothing.
        await #expect(throws: AdoptError.settingsExist(directory.url.appendingPathComponent("lockmaster.yaml").path)) {
            try await EstateAdopter(git: TestGit.client).run(AdoptRequest(directory: directory.url))
        }
        #expect(try directory.read("lockmaster.yaml") == written)
    }

    /// Two clusters whose entries are `kubernetes/<cluster>/flux`, each synced by its own FluxInstance;
    /// a third entry elsewhere is named as not managed.
    @Test func clustersWhoseEntriesShareAName() async throws {
        func instance(_ path: String) -> String {
            """
            apiVersion: fluxcd.controlplane.io/v1
            kind: FluxInstance
            metadata: {name: flux, namespace: flux-system}
            spec:
              distribution: {version: "2.x", registry: ghcr.io/fluxcd}
              sync: {kind: GitRepository, url: "https://example.com/fleet.git", ref: refs/heads/main, path: "./\(path)"}

            """
        }
        func sync(_ cluster: String) -> String {
            RealEstateGuardTests.kustomization("apps", namespace: "flux-system", path: "./kubernetes/\(cluster)/apps")
        }
        let (_, report) = try await adopt([
            "kubernetes/main/flux/sync.yaml": sync("main"),
            "kubernetes/main/apps/flux-instance.yaml": instance("kubernetes/main/flux"),
            "kubernetes/edge/flux/sync.yaml": sync("edge"),
            "kubernetes/edge/apps/flux-instance.yaml": instance("kubernetes/edge/flux"),
            "devenv/flux/sync.yaml": sync("dev"), "devenv/apps/flux-instance.yaml": instance("devenv/flux"),
        ])
        #expect(report.clustersDir == "kubernetes")
        #expect(report.environments.map(\.name) == ["edge", "main"])
        #expect(report.reasons.first?.hasSuffix("not under it, so not managed: devenv/flux") == true)
        #expect(report.environments.map(\.role) == ["development", nil])
    }

    /// The guide's layout after bootstrap: roles from what each environment follows.
    @Test func theGuidesLayoutGetsItsPromotionOrder() async throws {
        var files = PlatformFixture.files()
        files["lockmaster.yaml"] = nil
        let (directory, report) = try await adopt(files)
        #expect(report.clustersDir == "clusters" && report.platformPaths == ["platform"], "\(report)")
        #expect(report.environments.compactMap(\.role) == ["development", "staging", "production"])
        // Named development already: nothing to write; every role is filled, so every rule applies.
        #expect(try SettingsLoader.load(repositoryRoot: directory.url).sandbox.from == "development")
        #expect(try SettingsLoader.load(repositoryRoot: directory.url).check.rules.isEmpty)
    }

    /// Before bootstrap: the directory whose Kustomizations use the GitRepository bootstrap will write
    /// is the entry, and the environment is taken to follow the branch of record, said so.
    @Test func aRepositoryBeforeBootstrap() async throws {
        func ks(_ name: String, _ path: String) -> String {
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: \(name), namespace: flux-system}\n"
                + "spec: {interval: 1h, path: \(path), prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n"
        }
        let (directory, report) = try await adopt([
            "cluster/apps.yaml": ks("apps", "./apps"),
            "cluster/infrastructure.yaml": ks("infrastructure", "./infrastructure"),
            "apps/podinfo/ks.yaml": ks("podinfo", "./apps/podinfo/app"),
            "apps/podinfo/app/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: podinfo}\n",
            "infrastructure/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: infra}\n",
        ])
        #expect(report.environments.map(\.name) == ["cluster"] && report.environments.first?.role == "development")
        #expect(
            report.environments.first?.syncedBy
                == "nothing yet: flux bootstrap --path=cluster will write GitRepository/flux-system/flux-system, which its Kustomizations use"
        )
        let repository = try PlatformRepository.load(root: directory.url)
        let cluster = try #require(repository.environment(named: "cluster"))
        #expect(cluster.classification.kind == .tracksBranch && cluster.classification.ref == "main")
        #expect(cluster.classification.reason?.hasPrefix("not bootstrapped yet: flux bootstrap will write") == true)
    }

    /// The FluxInstance kept among the apps it syncs: the apps folder is the entry's content, not an
    /// environment, and, beside the entry in the clusters directory, a platform path of its own.
    @Test func theFolderThatHoldsTheInstanceIsNotAnEnvironment() async throws {
        let ks = { (name: String, path: String) in
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: \(name), namespace: flux-system}\n"
                + "spec: {interval: 1h, path: \(path), prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n"
        }
        let (_, report) = try await adopt([
            "kubernetes/flux/apps.yaml": ks("cluster-apps", "./kubernetes/apps"),
            "kubernetes/apps/flux-system/instance.yaml": """
            apiVersion: fluxcd.controlplane.io/v1
            kind: FluxInstance
            metadata: {name: flux, namespace: flux-system}
            spec:
              distribution: {version: 2.x, registry: ghcr.io/fluxcd}
              sync: {kind: GitRepository, url: https://example.com/home-ops.git, ref: refs/heads/main, path: kubernetes/flux}
            """,
            "kubernetes/apps/web/ks.yaml": ks("web", "./kubernetes/apps/web/app"),
            "kubernetes/apps/web/app/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n",
        ])
        #expect(report.clustersDir == "kubernetes" && report.platformPaths == ["kubernetes/apps"], "\(report)")
        #expect(report.environments.map(\.name) == ["flux"], "\(report.environments.map(\.name))")
    }

    /// flux2-kustomize-helm-example: each cluster's Kustomizations read ExternalArtifacts that an
    /// ArtifactGenerator copies from the bootstrap GitRepository. The platform paths are the folders it
    /// copies, and each cluster follows that GitRepository's branch.
    @Test func kustomizationsOfGeneratedArtifactsFollowTheRepositoryTheyAreCopiedFrom() async throws {
        func generated(_ cluster: String, from folder: String) -> String {
            """
            apiVersion: source.extensions.fluxcd.io/v1beta1
            kind: ArtifactGenerator
            metadata: {name: flux-system, namespace: flux-system}
            spec:
              sources: [{alias: monorepo, kind: GitRepository, name: flux-system}]
              artifacts:
                - name: apps
                  copy:
                    - {from: "@monorepo/\(folder)/base/**", to: "@artifact/base/"}
                    - {from: "@monorepo/\(folder)/\(cluster)/**", to: "@artifact/\(cluster)/"}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: flux-system}
            spec: {interval: 1h, path: ./\(cluster), prune: true, sourceRef: {kind: ExternalArtifact, name: apps}}

            """
        }
        let podinfo = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: podinfo}\n"
        let (directory, report) = try await adopt([
            "clusters/staging/flux-system/gotk-sync.yaml": PlatformFixture.gotkSync("staging"),
            "clusters/staging/apps.yaml": generated("staging", from: "apps"),
            "clusters/production/flux-system/gotk-sync.yaml": PlatformFixture.gotkSync("production"),
            "clusters/production/apps.yaml": generated("production", from: "elsewhere"),
            "apps/base/config.yaml": podinfo, "apps/staging/config.yaml": podinfo,
        ])
        #expect(report.platformPaths == ["apps"], "\(report)")
        #expect(report.environments.map(\.name) == ["staging", "production"])
        #expect(report.environments.map(\.role) == ["development", nil])
        let repository = try PlatformRepository.load(root: directory.url)
        let staging = try #require(repository.environment(named: "staging"))
        #expect(staging.classification == Classification(kind: .tracksBranch, ref: "main", refField: .branch))
        #expect(staging.platformKustomizations.map(\.object.name) == ["apps"])
        // `elsewhere` is not a platform path, so production's artifact is not the platform: it follows its
        // entry's source, and takes no role.
        let production = try #require(repository.environment(named: "production"))
        #expect(production.platformKustomizations.isEmpty)
        #expect(production.classification.reason?.hasPrefix("nothing it applies is under ./apps") == true)
    }

    @Test func noFluxEntryIsAnErrorAndWritesNothing() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("README.md", "nothing here\n")
        await #expect(throws: AdoptError.noFluxEntry(directory.url.standardizedFileURL.path)) {
            try await EstateAdopter(git: TestGit.client).run(AdoptRequest(directory: directory.url))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("lockmaster.yaml").path))
    }
}
