import Foundation
import Manifests
import Platform
import Support
import TestSupport
import Testing

/// Environments synced by the Flux Operator: a FluxInstance in git, or the flux-instance chart's values.
@Suite struct FluxOperatorEnvironmentTests {
    /// The home-ops shape: the cluster's entry under kubernetes/flux, the chart among the apps.
    static let homeOps: [String: String] = [
        "kubernetes/flux/cluster/ks.yaml": """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: cluster-apps, namespace: flux-system}
        spec:
          path: ./kubernetes/apps
          sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
        """,
        "kubernetes/flux/vars/cluster-settings.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cluster-settings, namespace: flux-system}
        data: {TIMEZONE: Europe/Paris}
        """,
        "kubernetes/apps/flux-system/kustomization.yaml": """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: flux-system
        resources: [./flux-instance/helmrelease.yaml]
        """,
        "kubernetes/apps/flux-system/flux-instance/helmrelease.yaml": """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: flux-instance}
        spec:
          chartRef: {kind: OCIRepository, name: flux-instance}
          values:
            instance:
              distribution: {version: 2.6.x}
              sync:
                kind: GitRepository
                url: https://example.com/home-ops.git
                ref: refs/heads/main
                path: kubernetes/flux/cluster
        """,
    ]

    static var homeOpsSettings: LockmasterSettings {
        var settings = LockmasterSettings()
        settings.clustersDir = "kubernetes/flux"
        settings.platformPaths = ["kubernetes"]
        settings.environments = ["cluster"]
        return settings
    }

    @Test func theFluxInstanceChartValuesClassifyTheEnvironmentTheySync() throws {
        let directory = try TemporaryDirectory()
        try directory.write(Self.homeOps)
        let repository = PlatformRepository.load(root: directory.url, settings: Self.homeOpsSettings)
        #expect(repository.environments.map(\.name) == ["cluster"])
        #expect(repository.notEnvironments == ["kubernetes/flux/vars"])
        let cluster = try #require(repository.environment(named: "cluster"))
        #expect(cluster.classification == Classification(kind: .tracksBranch, ref: "main", refField: .branch))
        let instance = try #require(cluster.instance)
        #expect(instance.object.kind == "HelmRelease")
        #expect(instance.namespace == "flux-system")
        #expect(instance.distributionVersion == "2.6.x")
        #expect(instance.syncObjects.first == FluxAPI.bootstrapSource)
    }

    /// The chart's values through `valuesFrom`, from a ConfigMap the kustomization beside the release
    /// generates from a file; `sync.name` names the source and Kustomization the operator creates.
    @Test func chartValuesFromAGeneratedConfigMapAndASyncName() async throws {
        let directory = try TemporaryDirectory()
        var files = Self.homeOps
        files["kubernetes/apps/flux-system/flux-instance/helmrelease.yaml"] = """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: flux-instance}
            spec:
              chartRef: {kind: OCIRepository, name: flux-instance}
              valuesFrom: [{kind: ConfigMap, name: flux-instance-values}]
            """
        files["kubernetes/apps/flux-system/flux-instance/kustomization.yaml"] =
            "resources: [./helmrelease.yaml]\nconfigMapGenerator:\n- name: flux-instance-values\n  files: [values.yaml=./helm-values.yaml]\n"
        files["kubernetes/apps/flux-system/flux-instance/helm-values.yaml"] = """
            instance:
              distribution: {version: 2.6.4}
              sync: {kind: GitRepository, name: home-kubernetes, url: https://example.com/home-ops.git, ref: refs/heads/main, path: kubernetes/flux/cluster}
            """
        files["kubernetes/flux/cluster/ks.yaml"] = files["kubernetes/flux/cluster/ks.yaml"]!
            .replacingOccurrences(of: "name: flux-system, namespace", with: "name: home-kubernetes, namespace")
        files["kubernetes/apps/flux-system/kustomization.yaml"] = files[
            "kubernetes/apps/flux-system/kustomization.yaml"]!
            .replacingOccurrences(of: "./flux-instance/helmrelease.yaml", with: "./flux-instance")
        try directory.write(files)
        let repository = PlatformRepository.load(root: directory.url, settings: Self.homeOpsSettings)
        let cluster = try #require(repository.environment(named: "cluster"))
        #expect(cluster.classification == Classification(kind: .tracksBranch, ref: "main", refField: .branch))
        let instance = try #require(cluster.instance)
        #expect(instance.object.location.path == "kubernetes/apps/flux-system/flux-instance/helm-values.yaml")
        #expect(instance.distributionVersion == "2.6.4")
        #expect(
            instance.syncObjects.map(\.description) == [
                "GitRepository/flux-system/home-kubernetes", "Kustomization/flux-system/home-kubernetes",
            ])
    }

    @Test func aFluxInstanceInGitClassifiesFromItsSync() throws {
        let directory = try TemporaryDirectory()
        func instance(_ name: String, kind: String, ref: String) -> String {
            """
            apiVersion: fluxcd.controlplane.io/v1
            kind: FluxInstance
            metadata: {name: flux, namespace: flux-system}
            spec:
              distribution: {version: "2.x", registry: ghcr.io/fluxcd}
              sync: {kind: \(kind), url: "oci://example.com/fleet", ref: "\(ref)", path: "clusters/\(name)"}
            """
        }
        try directory.write([
            "clusters/staging/flux-system/flux-instance.yaml": instance(
                "staging", kind: "OCIRepository", ref: "latest"),
            "clusters/production/flux-system/flux-instance.yaml": instance(
                "production", kind: "OCIRepository", ref: "v1.4.2"),
            "clusters/hotfix/flux-system/flux-instance.yaml": instance(
                "hotfix", kind: "GitRepository", ref: "refs/tags/v1.4.3"),
        ])
        let repository = PlatformRepository.load(root: directory.url, settings: LockmasterSettings())
        func classification(_ name: String) -> Classification? { repository.environment(named: name)?.classification }
        #expect(classification("production") == Classification(kind: .pinned, ref: "v1.4.2", refField: .tag))
        #expect(classification("hotfix") == Classification(kind: .pinned, ref: "v1.4.3", refField: .tag))
        #expect(classification("staging")?.kind == .unknown)
        #expect(classification("staging")?.reason?.contains("'latest', which moves") == true)
        #expect(repository.environments.allSatisfy { $0.classification.reason?.contains("bootstrap") != true })
    }

    /// d2-fleet's production syncs `latest-stable`, a tag its CI moves on every release: not a pin.
    @Test(arguments: ["latest-stable", "stable", "latest", ""])
    func aChannelTagIsNotAPin(ref: String) {
        let classification = EnvironmentClassifier.classify(
            FluxInstance.Sync(kind: "OCIRepository", url: nil, ref: ref, path: "clusters/x"))
        let tag = ref.isEmpty ? "latest" : ref
        #expect(classification.kind == .unknown)
        #expect(classification.ref == tag)
        #expect(classification.reason?.contains("OCI tag '\(tag)', ") == true)
        #expect(classification.reason?.contains("pin a version tag or a digest") == true)
    }

    @Test(arguments: [
        ("GitRepository", "refs/heads/release-1", EnvironmentKind.tracksBranch, "release-1", "branch"),
        ("GitRepository", "refs/tags/v2.0.0", .pinned, "v2.0.0", "tag"),
        (
            "GitRepository", "0123456789abcdef0123456789abcdef01234567", .pinned,
            "0123456789abcdef0123456789abcdef01234567", "commit"
        ),
        ("GitRepository", "refs/pull/7/head", .pinned, "refs/pull/7/head", "name"),
        ("OCIRepository", "1.2.3@sha256:abcd", .pinned, "sha256:abcd", "digest"),
        ("OCIRepository", "1.2.3", .pinned, "1.2.3", "tag"),
        ("OCIRepository", "build-812", .pinned, "build-812", "tag"),
    ])
    func syncRefs(kind: String, ref: String, expected: EnvironmentKind, value: String, field: String) {
        let classification = EnvironmentClassifier.classify(
            FluxInstance.Sync(kind: kind, url: nil, ref: ref, path: "clusters/x"))
        #expect(classification == Classification(kind: expected, ref: value, refField: RefField(rawValue: field)))
    }
}
