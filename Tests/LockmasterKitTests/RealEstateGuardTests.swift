import Foundation
import LockmasterKit
import Support
import TestSupport
import Testing

/// The merge guard on the shapes public home-ops and fleet repositories use: each case is a defect found
/// on one of them (false errors from reading files instead of what Flux applies), turned into a fixture.
@Suite struct RealEstateGuardTests {
    static let settings = "clustersDir: kubernetes/flux\nplatformPaths: [kubernetes]\nenvironments: [cluster]\n"

    static func kustomization(
        _ name: String, namespace: String? = nil, path: String, target: String? = nil, extra: String = ""
    ) -> String {
        """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: \(name)\(namespace.map { "\n  namespace: \($0)" } ?? "")
        spec:
          interval: 1h
          path: \(path)
          prune: true
          sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\(target.map { "\n  targetNamespace: \($0)" } ?? "")
        \(extra)
        """
    }

    static func release(_ name: String, dependsOn: [(String, String)] = []) -> String {
        let dependencies =
            dependsOn.isEmpty
            ? ""
            : "\n  dependsOn:\n" + dependsOn.map { "    - {name: \($0.0), namespace: \($0.1)}" }.joined(separator: "\n")
        return """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata:
              name: \(name)
            spec:
              interval: 1h
              chartRef: {kind: OCIRepository, name: app-template, namespace: flux-system}\(dependencies)

            """
    }

    static func list(_ namespace: String?, _ resources: [String], kind: String = "Kustomization", extra: String = "")
        -> String
    {
        "apiVersion: kustomize.config.k8s.io/\(kind == "Component" ? "v1alpha1" : "v1beta1")\nkind: \(kind)\n"
            + (namespace.map { "namespace: \($0)\n" } ?? "") + "resources:\n" + resources.map { "  - \($0)\n" }.joined()
            + extra
    }

    /// A home-ops repository: the flux-instance chart syncs kubernetes/flux/cluster, whose Kustomization
    /// applies kubernetes/apps, where namespaces come from each directory's kustomization.yaml.
    static let homeOps: [String: String] = [
        "lockmaster.yaml": settings,
        "kubernetes/flux/cluster/ks.yaml": kustomization(
            "cluster-apps", namespace: "flux-system", path: "./kubernetes/apps",
            extra: """
                  patches:
                    - patch: |-
                        apiVersion: kustomize.toolkit.fluxcd.io/v1
                        kind: Kustomization
                        metadata: {name: _}
                        spec: {retryInterval: 1m}
                      target: {group: kustomize.toolkit.fluxcd.io, kind: Kustomization}
                """),
        "kubernetes/apps/kustomization.yaml": list(nil, ["./flux-system", "./database", "./default", "./media"]),
        "kubernetes/apps/flux-system/kustomization.yaml": list(
            "flux-system", ["./flux-instance.yaml", "./repositories.yaml"]),
        "kubernetes/apps/flux-system/flux-instance.yaml": """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: flux-instance}
        spec:
          interval: 1h
          chartRef: {kind: OCIRepository, name: flux-instance}
          values:
            instance:
              distribution: {version: 2.6.x}
              sync: {kind: GitRepository, url: "https://example.com/home-ops.git", ref: refs/heads/main, path: kubernetes/flux/cluster}

        """,
        "kubernetes/apps/flux-system/repositories.yaml": """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: OCIRepository
        metadata: {name: flux-instance}
        spec: {interval: 1h, url: oci://ghcr.io/controlplaneio-fluxcd/charts/flux-instance, ref: {tag: 0.20.0}}
        ---
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: OCIRepository
        metadata: {name: app-template}
        spec: {interval: 1h, url: oci://ghcr.io/bjw-s-labs/helm/app-template, ref: {tag: 4.1.0}}

        """,
        // database: ks.yaml files without a namespace, put in `database` by the kustomization.yaml.
        "kubernetes/apps/database/kustomization.yaml": list("database", ["./cnpg/ks.yaml", "./redis/ks.yaml"]),
        "kubernetes/apps/database/cnpg/ks.yaml": kustomization(
            "cnpg", path: "./kubernetes/apps/database/cnpg/app", target: "database",
            extra: "  components: [../../../../components/common]\n"),
        // Not listed by any kustomization.yaml, so never applied: it must not count as a duplicate.
        "kubernetes/apps/database/cnpg/old-ks.yaml": kustomization(
            "cnpg", namespace: "database", path: "./kubernetes/apps/database/cnpg/old"),
        "kubernetes/apps/database/cnpg/app/kustomization.yaml": list(nil, ["./helmrelease.yaml"]),
        "kubernetes/apps/database/cnpg/app/helmrelease.yaml": release("cnpg-operator"),
        // A remote resource: not fetched; its own files still count, in its targetNamespace.
        "kubernetes/apps/database/redis/ks.yaml": kustomization(
            "redis", path: "./kubernetes/apps/database/redis/app", target: "database"),
        "kubernetes/apps/database/redis/app/kustomization.yaml": list(
            nil, ["https://raw.githubusercontent.com/example/redis/v1.0.0/crd.yaml", "./helmrelease.yaml"]),
        "kubernetes/apps/database/redis/app/helmrelease.yaml": release("redis-operator"),
        "kubernetes/apps/default/kustomization.yaml": list(
            "default", ["./web/ks.yaml", "./other/ks.yaml", "./tenant/ks.yaml"]),
        // Components merged into the path's own kustomization, whose patch targets what one adds.
        "kubernetes/apps/default/web/ks.yaml": kustomization(
            "web", path: "./kubernetes/apps/default/web/app", target: "default",
            extra: """
                  components: [../../../../components/common, ../../../../components/policy]
                  dependsOn:
                    - {name: cnpg, namespace: database}
                    - {name: redis, namespace: database}
                  postBuild:
                    substitute: {APP: web}
                """),
        "kubernetes/apps/default/web/app/kustomization.yaml": list(
            nil, ["./helmrelease.yaml"], extra: "patches:\n  - path: ./policy-patch.yaml\n"),
        "kubernetes/apps/default/web/app/helmrelease.yaml": release(
            "web", dependsOn: [("cnpg-operator", "database"), ("redis-operator", "database")]),
        "kubernetes/apps/default/web/app/policy-patch.yaml":
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${APP}-policy\ndata:\n  mode: strict\n",
        "kubernetes/components/policy/kustomization.yaml": list(nil, ["./policy.yaml"], kind: "Component"),
        "kubernetes/components/policy/policy.yaml":
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${APP}-policy\ndata:\n  mode: open\n",
        // The same Secret from a shared component, applied by two Kustomizations in one namespace.
        "kubernetes/components/common/kustomization.yaml": list(nil, ["./settings.yaml"], kind: "Component"),
        "kubernetes/components/common/settings.yaml":
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: shared-settings\nstringData:\n  TZ: Europe/Paris\n",
        "kubernetes/apps/default/other/ks.yaml": kustomization(
            "other", path: "./kubernetes/apps/default/other/app", target: "default",
            extra: "  components: [../../../../components/common]\n"),
        "kubernetes/apps/default/other/app/configmap.yaml":
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata:\n  a: \"1\"\n",
        // Another repository's GitRepository: its path is never read from this one (deploy/ here holds
        // a different `web`, which would be a duplicate if it were).
        "kubernetes/apps/default/tenant/ks.yaml": """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: tenant}
        spec: {interval: 1h, url: "https://example.com/tenant.git", ref: {branch: main}}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: tenant}
        spec: {interval: 1h, path: ./deploy, prune: true, sourceRef: {kind: GitRepository, name: tenant}}

        """,
        "deploy/web.yaml": release("web", dependsOn: [("nothing", "nowhere")]).replacingOccurrences(
            of: "  name: web\n", with: "  name: web\n  namespace: default\n"),
        "kubernetes/apps/media/kustomization.yaml": list("media", ["./imagemaid/ks.yaml", "./broken/ks.yaml"]),
        // Its path is its own directory: it applies itself, without the patch its parent adds.
        "kubernetes/apps/media/imagemaid/ks.yaml": kustomization(
            "imagemaid", path: "./kubernetes/apps/media/imagemaid", target: "media"),
        // A file that is not a Kubernetes object where Flux generates the kustomization: the build fails.
        "kubernetes/apps/media/broken/ks.yaml": kustomization(
            "broken", path: "./kubernetes/apps/media/broken/app", target: "media"),
        "kubernetes/apps/media/broken/app/values.yaml": "a: [1, 2]\n",
    ]

    func check(_ files: [String: String]) async throws -> CheckReport {
        let directory = try TemporaryDirectory()
        try directory.write(files)
        try await TestGit.commitAll(in: directory.url)
        return try await MergeGuard(git: TestGit.client).run(
            CheckRequest(repository: directory.url, target: "main", environment: [:]))
    }

    @Test func aHomeOpsRepositoryGetsOnlyItsTrueFindings() async throws {
        let report = try await check(Self.homeOps)
        let errors = report.findings.filter { $0.severity == .error }
        #expect(
            errors.map(\.rule) == [.buildFailed, .duplicateObject],
            "\(report.findings.map { "\($0.location): \($0.message)" })")
        let duplicate = try #require(errors.first { $0.rule == .duplicateObject })
        #expect(
            duplicate.location == SourceLocation(path: "kubernetes/apps/media/imagemaid/ks.yaml", line: 1, column: 1))
        #expect(
            duplicate.message.contains("applied by Kustomization media/imagemaid")
                && duplicate.message.contains("applied by Kustomization flux-system/cluster-apps"))
        let broken = try #require(errors.first { $0.rule == .buildFailed })
        #expect(broken.location == SourceLocation(path: "kubernetes/apps/media/broken/ks.yaml", line: 7, column: 9))
        #expect(
            broken.message.contains("Kustomization media/broken") && !broken.message.contains("/tmp/")
                && !broken.message.contains("run.go"), "\(broken.message)")

        let warnings = report.findings.filter { $0.severity == .warning }
        #expect(warnings.map(\.rule) == [.notRendered, .notRendered])
        #expect(
            warnings.first { $0.location.path.hasSuffix("redis/ks.yaml") }?.message.contains("remote resource") == true)
        #expect(
            warnings.first { $0.location.path.hasSuffix("tenant/ks.yaml") }?.message.contains(
                "another repository (https://example.com/tenant.git)") == true)
        #expect(!report.notes.contains { $0.contains("not installed") })
    }

    /// A Kustomization that cannot be built is read from the files its kustomization.yaml lists, and so are
    /// the Kustomizations it declares: a file no kustomization lists is never applied, so it collides with
    /// nothing (a home lab had five false duplicate-object errors from such files).
    @Test func aFailedBuildIsReadFromTheFilesItListsOnly() async throws {
        let configMap = { (data: String) in
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: default}\ndata: {a: \"\(data)\"}\n"
        }
        let ks = { (name: String, path: String) in
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: \(name), namespace: flux-system}\n"
                + "spec: {interval: 1h, path: \(path), prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n"
        }
        let report = try await check([
            "clusters/dev/flux-system/gotk-sync.yaml": """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: flux-system, namespace: flux-system}
            spec: {interval: 1m, url: https://example.com/lab.git, ref: {branch: main}}
            ---
            \(ks("flux-system", "./clusters/dev"))
            """,
            "clusters/dev/platform.yaml": ks("platform", "./platform"),
            "platform/kustomization.yaml": "resources: [./app.yaml, ./missing.yaml, ./child.yaml]\n",
            "platform/app.yaml": configMap("1"),
            "platform/unlisted.yaml": configMap("2"),
            "platform/child.yaml": ks("child", "./child"),
            "child/kustomization.yaml": "resources: [./listed.yaml]\n",
            "child/listed.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: child, namespace: default}\n",
            "child/old.yaml": configMap("3"),
        ])
        #expect(
            report.findings.filter { $0.severity == .error }.map(\.rule) == [.buildFailed],
            "\(report.findings.map { "\($0.location): \($0.message)" })")
    }

    /// Before: a ks.yaml's namespace read from the file (none, so `default`) made every dependsOn on it
    /// dangle; reading raw files also counted an unlisted file as a duplicate.
    @Test func withoutKubectlTheFilesAreReadAndANoteSaysSo() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(Self.homeOps)
        try await TestGit.commitAll(in: directory.url)
        let report = try await MergeGuard(git: TestGit.client, kubectl: "/nonexistent/kubectl")
            .run(CheckRequest(repository: directory.url, target: "main", environment: [:]))
        #expect(report.notes.contains { $0.contains("not installed") })
        #expect(report.findings.contains { $0.rule == .danglingDependsOn })
    }

    /// The Flux the operator installs decides: HelmRelease v2beta1 is still served by Flux 2.6 (a
    /// warning), not by the newest Flux that `2.x` installs (an error).
    @Test func deprecationsFollowTheOperatorsFluxVersion() async throws {
        var files = Self.homeOps
        files["kubernetes/apps/database/cnpg/app/helmrelease.yaml"] = Self.release("cnpg-operator")
            .replacingOccurrences(of: "helm.toolkit.fluxcd.io/v2\n", with: "helm.toolkit.fluxcd.io/v2beta1\n")
        func verdict(_ version: String) async throws -> [CheckFinding] {
            files["kubernetes/apps/flux-system/flux-instance.yaml"] = Self.homeOps[
                "kubernetes/apps/flux-system/flux-instance.yaml"]!
                .replacingOccurrences(of: "version: 2.6.x", with: "version: \"\(version)\"")
            return try await check(files).findings.filter { $0.rule == .deprecatedAPI }
        }
        let older = try await verdict("2.6.x")
        #expect(older.map(\.severity) == [.warning])
        #expect(
            older.first?.location
                == SourceLocation(path: "kubernetes/apps/database/cnpg/app/helmrelease.yaml", line: 1, column: 13))
        #expect(
            older.first?.message.contains(
                "(cluster installs Flux 2.6, from kubernetes/apps/flux-system/flux-instance.yaml") == true,
            "\(older.map(\.message))")
        let newest = try await verdict("2.x")
        #expect(newest.map(\.severity) == [.error])
        #expect(newest.first?.message.contains("not served by the newest Flux") == true)
    }

    /// A bootstrap directory applied by hand (kubernetes/flux/config, pointing at kubernetes/flux) beside
    /// the Flux Operator's sync of kubernetes/flux/cluster: one cluster, so the HelmRepositories the
    /// former applies are declared for the latter.
    @Test func anEntryThatAnotherEnvironmentAppliesSharesItsDeclarations() async throws {
        var files: [String: String] = [
            "lockmaster.yaml": Self.settings,
            "kubernetes/flux/config/cluster.yaml": """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: flux-system, namespace: flux-system}
            spec: {interval: 1h, url: "https://example.com/home-ops.git", ref: {branch: main}}
            ---
            \(Self.kustomization("cluster", namespace: "flux-system", path: "./kubernetes/flux"))
            """,
            "kubernetes/flux/repositories/bitnami.yaml": """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: HelmRepository
            metadata: {name: bitnami, namespace: flux-system}
            spec: {interval: 1h, url: https://charts.bitnami.com/bitnami}

            """,
            "kubernetes/flux/cluster/ks.yaml": Self.kustomization(
                "cluster-apps", namespace: "flux-system", path: "./kubernetes/apps"),
            "kubernetes/apps/flux-instance.yaml": Self.homeOps["kubernetes/apps/flux-system/flux-instance.yaml"]!
                .replacingOccurrences(
                    of: "metadata: {name: flux-instance}",
                    with: "metadata: {name: flux-instance, namespace: flux-system}"
                )
                .replacingOccurrences(
                    of: "chartRef: {kind: OCIRepository, name: flux-instance}",
                    with: "chartRef: {kind: OCIRepository, name: flux-instance, namespace: flux-system}"),
            "kubernetes/apps/charts.yaml": Self.homeOps["kubernetes/apps/flux-system/repositories.yaml"]!
                .replacingOccurrences(
                    of: "metadata: {name: flux-instance}",
                    with: "metadata: {name: flux-instance, namespace: flux-system}"),
            "kubernetes/apps/redis.yaml": """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: redis, namespace: default}
            spec:
              interval: 1h
              chart: {spec: {chart: redis, version: 20.1.0, sourceRef: {kind: HelmRepository, name: bitnami, namespace: flux-system}}}

            """,
        ]
        #expect(try await check(files).findings.filter { $0.severity == .error } == [])
        // Without the hand-applied directory, nothing declares the HelmRepository: a true error.
        files["kubernetes/flux/config/cluster.yaml"] = nil
        let alone = try await check(files).findings.filter { $0.severity == .error }
        #expect(alone.map(\.rule) == [.danglingSourceRef])
        #expect(alone.first?.location == SourceLocation(path: "kubernetes/apps/redis.yaml", line: 6, column: 60))
    }
}
