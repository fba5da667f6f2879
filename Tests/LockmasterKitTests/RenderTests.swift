import Foundation
import LockmasterKit
import Manifests
import Support
import TestSupport
import Testing

/// `render` against `kubectl kustomize`, the reference renderer, on real git repositories.
@Suite struct RenderTests {
    static let flux = """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: platform, namespace: flux-system}
        spec: {interval: 1m, url: "https://git.example.com/acme/platform.git", ref: {branch: main}}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps, namespace: flux-system}
        spec:
          interval: 10m
          path: ./platform/apps
          prune: true
          sourceRef: {kind: GitRepository, name: platform}
          targetNamespace: team-a
          namePrefix: a-
          commonMetadata:
            labels: {owner: team-a}
          postBuild:
            substitute: {cluster_name: sandbox-1}
            substituteFrom:
              - kind: ConfigMap
                name: cluster-vars
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: broken, namespace: flux-system}
        spec: {interval: 10m, path: ./platform/broken, prune: true, sourceRef: {kind: GitRepository, name: platform}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cluster-vars, namespace: flux-system}
        data: {region: eu-west-1}

        """

    func repository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write([
            "clusters/dev/platform.yaml": Self.flux,
            "platform/apps/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [deployment.yaml]
            components: [../components/monitoring]
            patches:
              - target: {kind: Deployment}
                patch: |
                  - op: replace
                    path: /spec/replicas
                    value: 3
            configMapGenerator:
              - name: settings
                literals: ["cluster=${cluster_name}", "region=${region}", "zone=${zone:=eu-west-1a}", "escaped=$${cluster_name}"]

            """,
            "platform/apps/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: podinfo}
            spec:
              replicas: 1
              selector: {matchLabels: {app: podinfo}}
              template:
                metadata: {labels: {app: podinfo}}
                spec: {containers: [{name: podinfo, image: "ghcr.io/stefanprodan/podinfo:6.5.4"}]}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: literal
              annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}
            data: {text: "${cluster_name}"}

            """,
            "platform/components/monitoring/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            resources: [monitor.yaml]

            """,
            "platform/components/monitoring/monitor.yaml":
                "apiVersion: v1\nkind: Service\nmetadata: {name: metrics}\nspec: {ports: [{port: 9090}]}\n",
            "platform/broken/kustomization.yaml": "resources: [missing.yaml]\n",
        ])
        try await TestGit.commitAll(in: directory.url)
        return directory
    }

    func render(_ repository: TemporaryDirectory) async throws -> RenderReport {
        try await PlatformRenderer().run(RenderRequest(repository: repository.url, environment: "dev"))
    }

    @Test func buildsLikeKubectlKustomizeBeforeFluxFields() async throws {
        let repository = try await repository()
        let reference = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "kubectl",
                [
                    "kustomize", "--load-restrictor", "LoadRestrictionsNone",
                    repository.url.appendingPathComponent("platform/apps").path,
                ])
        ).stdout
        let expected = try YAMLDocumentReader.documents(in: reference).map { document in
            "\(document.string(at: ["kind"]) ?? "")/\(document.string(at: ["metadata", "name"]) ?? "")"
        }
        let report = try await render(repository)
        let apps = report.objects.filter { $0.kustomization == "flux-system/apps" }
        // Flux's fields then apply: the prefix, the target namespace and the labels.
        #expect(
            Set(apps.map { "\($0.kind)/\($0.name)" })
                == Set(expected.map { $0.replacingOccurrences(of: "/", with: "/a-") }))
        #expect(
            apps.allSatisfy {
                $0.namespace == "team-a" && $0.node.string(at: ["metadata", "labels", "owner"]) == "team-a"
            })
        let deployment = try #require(apps.first { $0.kind == "Deployment" })
        #expect(deployment.node.string(at: ["spec", "replicas"]) == "3")
        #expect(deployment.source == "platform/apps/deployment.yaml")
        #expect(apps.first { $0.kind == "Service" }?.source == "platform/components/monitoring/monitor.yaml")
    }

    @Test func postBuildSubstitutionFollowsFlux() async throws {
        let report = try await render(try await repository())
        let settings = try #require(report.objects.first { $0.kind == "ConfigMap" && $0.name.hasPrefix("a-settings") })
        #expect(settings.node.string(at: ["data", "cluster"]) == "sandbox-1")  // substitute
        // substituteFrom a ConfigMap in the render
        #expect(settings.node.string(at: ["data", "region"]) == "eu-west-1")
        #expect(settings.node.string(at: ["data", "zone"]) == "eu-west-1a")  // ${VAR:=default}
        #expect(settings.node.string(at: ["data", "escaped"]) == "${cluster_name}")  // $${VAR}
        let literal = try #require(report.objects.first { $0.name == "a-literal" })
        #expect(literal.node.string(at: ["data", "text"]) == "${cluster_name}")  // substitute: disabled
    }

    @Test func aBrokenBuildIsReportedAndTheRestRenders() async throws {
        let report = try await render(try await repository())
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.kustomization == "flux-system/broken")
        #expect(report.problems.first?.path == "./platform/broken")
        #expect(report.problems.first?.message.contains("missing.yaml") == true)
        #expect(report.objects.contains { $0.kustomization == "flux-system/apps" })
    }

    /// An ExternalArtifact exists only in the cluster: render says which generator makes it.
    @Test func aGeneratedExternalArtifactIsNamedAsSuch() async throws {
        let directory = try TemporaryDirectory()
        try await Scaffold.initialize(directory)
        try directory.write("clusters/development/generated.yaml", MergeGuardTests.generated)
        try await TestGit.commitAll(in: directory.url)
        let report = try await PlatformRenderer().run(
            RenderRequest(repository: directory.url, environment: "development"))
        #expect(
            report.problems.map(\.message).sorted() == [
                "its source ExternalArtifact/flux-system/infra is generated in the cluster by ArtifactGenerator flux-system/split; render cannot build it offline",
                "its source ExternalArtifact/flux-system/other is not in the render",
            ])
    }

    /// Before bootstrap the flux-system GitRepository is this repository; a GitRepository following
    /// another branch whose path the rendered revision lacks is named, not reported as a kustomize error.
    @Test func theBootstrapSourceIsThisRepositoryAndOtherBranchesAreNamed() async throws {
        let directory = try TemporaryDirectory()
        try await Scaffold.initialize(directory)
        try directory.write(
            "tenants/team/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: team, namespace: apps}\n")
        try directory.write(
            "clusters/development/tenants.yaml",
            """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: tenants, namespace: flux-system}
            spec: {interval: 10m, path: ./tenants/team, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: team, namespace: apps}
            spec: {interval: 1m, url: "https://git.example.com/acme/platform.git", ref: {branch: team}}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: team, namespace: apps}
            spec: {interval: 10m, path: ./team-only, prune: true, sourceRef: {kind: GitRepository, name: team}}

            """)
        try await TestGit.commitAll(in: directory.url)
        let report = try await PlatformRenderer().run(
            RenderRequest(repository: directory.url, environment: "development"))
        #expect(report.objects.contains { $0.kustomization == "flux-system/tenants" && $0.name == "team" })
        #expect(
            report.problems.map(\.message) == [
                "./team-only is not in the revision rendered; its source GitRepository apps/team follows branch team, "
                    + "and render reads every GitRepository from this repository's work tree (or --ref)"
            ])
    }

    /// A FluxInstance syncing from git makes the GitRepository flux-system: this repository. One syncing
    /// from OCI a path this repository holds syncs the artifact its CI publishes from here: this
    /// repository too. One syncing a path it does not hold makes an OCIRepository that git does not
    /// declare, and render says where it comes from.
    @Test func aFluxInstanceSyncSourceIsThisRepositoryWhenItHoldsThePath() async throws {
        for (kind, path, expected) in [
            ("GitRepository", "clusters/development", [String]()),
            ("OCIRepository", "clusters/development", []),
            (
                "OCIRepository", "fleet/development",
                [
                    "its source OCIRepository/flux-system/flux-system is made in the cluster by FluxInstance flux-system/flux "
                        + "from https://git.example.com/acme/platform.git; render reads only sources declared in git"
                ]
            ),
        ] {
            let directory = try TemporaryDirectory()
            try await Scaffold.initialize(directory)
            try directory.write(
                "tenants/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tenants, namespace: apps}\n")
            try directory.write(
                "clusters/development/flux-system/flux-instance.yaml",
                """
                apiVersion: fluxcd.controlplane.io/v1
                kind: FluxInstance
                metadata: {name: flux, namespace: flux-system}
                spec:
                  distribution: {version: "2.x", registry: ghcr.io/fluxcd}
                  sync: {kind: \(kind), url: "https://git.example.com/acme/platform.git", ref: refs/heads/main, path: \(path)}
                ---
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: tenants, namespace: flux-system}
                spec: {interval: 10m, path: ./tenants, prune: true, sourceRef: {kind: \(kind), name: flux-system}}

                """)
            try await TestGit.commitAll(in: directory.url)
            let report = try await PlatformRenderer().run(
                RenderRequest(repository: directory.url, environment: "development"))
            #expect(report.problems.map(\.message) == expected)
            #expect(report.objects.contains { $0.kustomization == "flux-system/tenants" } == expected.isEmpty)
        }
    }

    @Test func aRefIsReadWithoutTouchingTheWorkTree() async throws {
        let repository = try await repository()
        try repository.write(
            "platform/apps/deployment.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: changed}\n")
        let atHead = try await PlatformRenderer().run(
            RenderRequest(repository: repository.url, environment: "dev", ref: "HEAD"))
        #expect(atHead.objects.contains { $0.kind == "Deployment" })
        let workTree = try await render(repository)
        #expect(workTree.objects.contains { $0.name == "a-changed" })
        #expect(
            try await TestGit.run(["status", "--porcelain"], in: repository.url) == " M platform/apps/deployment.yaml\n"
        )
    }
}

@Suite struct RenderArtifactTests {
    @Test func anOCISourceRendersTheArtifactItResolvesToOrTheVersionAsked() async throws {
        let layout = try TemporaryDirectory()
        let repository = try TemporaryDirectory()
        try await Scaffold.initialize(repository, publishingTo: layout)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        _ = try await PlatformPublisher(git: TestGit.client).run(PublishRequest(repository: repository.url))
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        try await TestGit.commitAll(in: repository.url, message: "upgrade")
        _ = try await PlatformPublisher(git: TestGit.client).run(PublishRequest(repository: repository.url))
        // Change the work tree: staging must not see it, it runs artifacts.
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "9.9.9"))

        func kedaVersion(_ version: String?) async throws -> String? {
            let report = try await PlatformRenderer().run(
                RenderRequest(repository: repository.url, environment: "staging", version: version))
            #expect(report.problems.isEmpty)
            let release = report.objects.first { $0.kind == "HelmRelease" && $0.name == "keda" }
            #expect(release?.kustomization == "flux-system/platform-services")
            #expect(release?.source == "platform/services/keda.yaml")
            return release?.node.string(at: ["spec", "chart", "spec", "version"])
        }
        #expect(try await kedaVersion(nil) == "2.14.1")
        #expect(try await kedaVersion("0.1.0") == "2.14.0")
        let development = try await PlatformRenderer().run(
            RenderRequest(repository: repository.url, environment: "development"))
        #expect(
            development.objects.first { $0.kind == "HelmRelease" }?.node.string(at: [
                "spec", "chart", "spec", "version",
            ]) == "9.9.9")
    }
}

@Suite struct RenderBatchingTests {
    /// Plain Kustomizations of one source are built in one kustomize run; every object must still land
    /// on the Kustomization that applies it, with nested paths, generators and conflicting ids.
    @Test func objectsKeepTheirKustomizationWhenBuiltTogether() async throws {
        func kustomization(_ name: String, _ path: String) -> String {
            "---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: \(name), namespace: flux-system}\n"
                + "spec: {interval: 10m, path: \(path), prune: true, sourceRef: {kind: GitRepository, name: platform}}\n"
        }
        let configMap = { (name: String) in
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name), namespace: apps}\ndata: {a: b}\n"
        }
        let repository = try TemporaryDirectory()
        try repository.write([
            "clusters/dev/sources.yaml":
                "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: platform, namespace: flux-system}\nspec: {url: https://example.com/p.git, ref: {branch: main}}\n"
                + kustomization("generated", "./platform/generated") + kustomization("built", "./platform/built")
                + kustomization("outer", "./platform/outer") + kustomization("inner", "./platform/outer/inner")
                + kustomization("twin-a", "./platform/twin-a") + kustomization("twin-b", "./platform/twin-b"),
            "platform/generated/one.yaml": configMap("generated-one"),
            "platform/generated/two.yml": configMap("generated-two"),
            "platform/built/kustomization.yaml":
                "resources: [cm.yaml]\nconfigMapGenerator: [{name: from-generator, namespace: apps, literals: [a=b]}]\n",
            "platform/built/cm.yaml": configMap("built-one"),
            "platform/outer/cm.yaml": configMap("outer-one"),
            "platform/outer/inner/cm.yaml": configMap("inner-one"),
            "platform/twin-a/cm.yaml": configMap("same-name"),
            "platform/twin-b/cm.yaml": configMap("same-name"),
        ])
        try await TestGit.commitAll(in: repository.url)
        let report = try await PlatformRenderer().run(RenderRequest(repository: repository.url, environment: "dev"))
        #expect(report.problems.isEmpty)
        func owner(_ name: String) -> [String] {
            report.objects.filter { $0.name == name || $0.name.hasPrefix(name + "-") }.map(\.kustomization.description)
        }
        #expect(owner("generated-one") == ["flux-system/generated"])
        #expect(owner("generated-two") == ["flux-system/generated"])
        #expect(owner("built-one") == ["flux-system/built"])
        #expect(owner("from-generator") == ["flux-system/built"])
        // outer's generated kustomization includes inner's files
        #expect(owner("inner-one").sorted() == ["flux-system/inner", "flux-system/outer"])
        #expect(owner("outer-one") == ["flux-system/outer"])
        #expect(owner("same-name").sorted() == ["flux-system/twin-a", "flux-system/twin-b"])
    }
}
