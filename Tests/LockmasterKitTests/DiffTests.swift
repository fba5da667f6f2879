import Foundation
import LockmasterKit
import Manifests
import Support
import TestSupport
import Testing

/// `diff` with real git and `kubectl kustomize`: services classified, Secret values never shown.
@Suite struct DiffTests {
    func repository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try await Scaffold.initialize(directory)
        try directory.write("platform/services/keda.yaml", PlatformFixture.keda())
        try directory.write(
            "platform/configs/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: api, namespace: keda}\nstringData: {token: first-secret-value, user: admin}\n"
        )
        try directory.write(
            "platform/configs/settings.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: keda}\ndata: {level: info}\n")
        try await TestGit.commitAll(in: directory.url)
        return directory
    }

    func diff(_ repository: TemporaryDirectory) async throws -> EnvironmentDiff {
        let report = try await PlatformDiffer(git: TestGit.client).run(
            DiffRequest(repository: repository.url, sides: .git(base: nil, head: nil), environment: "development"))
        return try #require(report.environments.first)
    }

    @Test func servicesAreClassifiedByRisk() async throws {
        let repository = try await repository()
        try repository.write(
            "platform/services/podinfo.yaml", PlatformFixture.keda().replacingOccurrences(of: "keda", with: "podinfo"))
        try repository.write(
            "platform/services/keda.yaml",
            PlatformFixture.keda().replacingOccurrences(of: "version: 2.14.0", with: "version: 2.15.0"))
        try repository.write(
            "platform/configs/settings.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: keda}\ndata: {level: debug}\n")
        let environment = try await diff(repository)
        #expect(environment.services.map(\.change) == [.added, .added, .upgraded, .reconfigured])
        #expect(
            environment.services.first { $0.change == .upgraded }
                == ServiceChange(
                    change: .upgraded, kind: "HelmRelease", name: "keda/keda", from: "2.14.0", to: "2.15.0",
                    step: .minor))
        #expect(environment.services.last?.name == "flux-system/platform-configs")
        let removed = try await self.repository()
        try FileManager.default.removeItem(at: removed.url.appendingPathComponent("platform/services/keda.yaml"))
        #expect(try await diff(removed).services.map(\.change) == [.removed, .removed])
    }

    @Test func secretValuesAreComparedByHashAndNeverShown() async throws {
        let repository = try await repository()
        try repository.write(
            "platform/configs/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: api, namespace: keda}\nstringData: {token: second-secret-value, user: admin, extra: third-secret-value}\n"
        )
        let report = try await PlatformDiffer(git: TestGit.client).run(
            DiffRequest(repository: repository.url, sides: .git(base: nil, head: nil)))
        let secret = try #require(
            report.environments.first { $0.name == "development" }?.kustomizations.flatMap(\.objects).first {
                $0.object == "Secret/keda/api"
            })
        #expect(secret.change == .changed)
        #expect(
            secret.secretKeys == [
                "stringData.token": "changed", "stringData.user": "unchanged", "stringData.extra": "added",
            ])
        let encoder = JSONEncoder()
        let outputs = [
            DiffFormatter.text(report), DiffFormatter.markdown(report),
            String(decoding: try encoder.encode(report), as: UTF8.self),
        ]
        for output in outputs {
            #expect(output.contains("stringData.token"))
            #expect(
                !output.contains("first-secret-value") && !output.contains("second-secret-value")
                    && !output.contains("third-secret-value"))
        }
    }

    @Test func aBuildErrorIsReportedAndOtherKustomizationsStillDiff() async throws {
        let repository = try await repository()
        try repository.write("platform/service-configs/kustomization.yaml", "resources: [missing.yaml]\n")
        try repository.write(
            "platform/services/keda.yaml",
            PlatformFixture.keda().replacingOccurrences(of: "version: 2.14.0", with: "version: 2.14.1"))
        let environment = try await diff(repository)
        #expect(environment.problems.map(\.path) == ["./platform/service-configs"])
        #expect(environment.services.contains { $0.change == .upgraded && $0.step == .patch })
    }
}

@Suite struct DiffCacheTests {
    @Test func unchangedBuildsAreRenderedOnce() async throws {
        let repository = try TemporaryDirectory()
        try await Scaffold.initialize(repository)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        let kubectl = try CountingKubectl()
        let differ = PlatformDiffer(git: TestGit.client, kubectl: kubectl.path)
        // The counting wrapper is a shell script, which the kernel wall would not let run: these builds are unconfined.
        _ = try await differ.run(
            DiffRequest(
                repository: repository.url, sides: .git(base: nil, head: nil), environment: "development",
                unconfined: true))
        let unchanged = kubectl.runs
        // Only the entry is built, once for both sides: it holds the Flux Kustomizations to follow. The
        // three platform paths hold none and read the same bytes on both sides, so neither side builds them.
        #expect(unchanged == 1)
        kubectl.reset()
        try repository.write(
            "platform/services/keda.yaml", PlatformFixture.keda().replacingOccurrences(of: "2.14.0", with: "2.14.1"))
        let report = try await differ.run(
            DiffRequest(
                repository: repository.url, sides: .git(base: nil, head: nil), environment: "development",
                unconfined: true))
        #expect(report.environments.first?.services.first?.change == .upgraded)
        // The entry once, and the changed path on each side; the other two paths not at all.
        #expect(kubectl.runs == 3)
    }
}

/// Object identity and chart versions as Flux sees them, end to end through git and kubectl kustomize.
@Suite struct DiffIdentityTests {
    let base = DiffTests()

    /// A core ServiceAccount and a talos.dev ServiceAccount of one name are two objects: a diff of a
    /// revision with itself is empty, and a change to one is shown with its group.
    @Test func objectsAreMatchedByAPIGroupToo() async throws {
        let repository = try await base.repository()
        let accounts = """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: robot, namespace: keda}
            ---
            apiVersion: talos.dev/v1alpha1
            kind: ServiceAccount
            metadata: {name: robot, namespace: keda}
            spec: {roles: ["os:reader"]}

            """
        try repository.write("platform/configs/accounts.yaml", accounts)
        try await TestGit.commitAll(in: repository.url)
        let same = try await base.diff(repository)
        #expect(same.kustomizations.isEmpty && same.services.isEmpty, "\(same.kustomizations)")
        try repository.write(
            "platform/configs/accounts.yaml", accounts.replacingOccurrences(of: "os:reader", with: "os:admin"))
        let changed = try await base.diff(repository)
        #expect(changed.kustomizations.flatMap(\.objects).map(\.object) == ["ServiceAccount.talos.dev/keda/robot"])
    }

    /// A value that reaches a release through a hashed configMapGenerator and valuesFrom: the merged
    /// values are shown, and the release is reconfigured.
    @Test func valuesThroughAGeneratedConfigMapAreShown() async throws {
        let repository = try TemporaryDirectory()
        try FleetEstate.write(repository)
        try await TestGit.commitAll(in: repository.url)
        try repository.replace("infrastructure/controllers/ingress-values.yaml", "replicaCount: 2", "replicaCount: 3")
        let report = try await PlatformDiffer(git: TestGit.client).run(
            DiffRequest(repository: repository.url, sides: .git(base: nil, head: nil), environment: "staging"))
        let environment = try #require(report.environments.first)
        let change = try #require(environment.values.first, "\(environment)")
        #expect(change.release == "ingress/ingress-nginx")
        #expect(change.diff.prefix(2) == ["- replicaCount: 2", "+ replicaCount: 3"], "\(change.diff)")
        #expect(change.sources.first?.hasPrefix("ConfigMap ingress/ingress-values-") == true)
        #expect(
            environment.services.contains {
                $0.kind == "HelmRelease" && $0.name == "ingress/ingress-nginx" && $0.change == .reconfigured
            }, "\(environment.services)")
        #expect(DiffFormatter.text(report).contains("  values of HelmRelease ingress/ingress-nginx, through ConfigMap"))
    }

    /// A release applied to the hub and, through kubeConfig, to a spoke is two services, the spoke's named
    /// with its cluster; a chart source is read in the release's own cluster.
    @Test func servicesOfOtherClustersAreTheirs() async throws {
        let repository = try TemporaryDirectory()
        try FleetEstate.write(repository)
        try await TestGit.commitAll(in: repository.url)
        try repository.replace("tenants/base/release.yaml", "interval: 1h", "interval: 2h")
        let report = try await PlatformDiffer(git: TestGit.client).run(
            DiffRequest(repository: repository.url, sides: .git(base: nil, head: nil), environment: "staging"))
        let names = try #require(report.environments.first).services.filter { $0.kind == "HelmRelease" }.map(\.name)
        #expect(
            names.sorted() == [
                "team-a/extras", "team-a/extras (cluster of kubeConfig flux-system/west-kubeconfig)",
                "team-b/extras", "team-b/extras (cluster of kubeConfig flux-system/west-kubeconfig)",
            ], "\(names)")
        try await TestGit.commitAll(in: repository.url)
        try repository.replace("infrastructure/controllers/tenant-chart.yaml", "tag: 1.0.0", "tag: 1.1.0")
        let bump = try await PlatformDiffer(git: TestGit.client).run(
            DiffRequest(repository: repository.url, sides: .git(base: nil, head: nil), environment: "staging"))
        let upgraded = try #require(bump.environments.first).services.filter { $0.change == .upgraded }.map(\.name)
        #expect(upgraded.sorted() == ["team-a/extras", "team-b/extras"], "\(upgraded)")
    }

    /// Two Kustomizations applying one release (check calls it a duplicate): a change to either copy is
    /// a service change, not hidden behind the other copy.
    @Test func aChangeToOneOfTwoCopiesOfAReleaseIsAService() async throws {
        let repository = try await base.repository()
        let release = { (interval: String) in
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: keda, namespace: keda}\n"
                + "spec:\n  interval: \(interval)\n  chart:\n    spec: {chart: keda, version: 2.14.0, sourceRef: {kind: HelmRepository, name: kedacore}}\n"
        }
        // The copy in another Kustomization than platform/services/keda.yaml's (one build refuses two).
        try repository.write("platform/configs/keda-copy.yaml", release("1h"))
        try await TestGit.commitAll(in: repository.url)
        try repository.write("platform/configs/keda-copy.yaml", release("2h"))
        let environment = try await base.diff(repository)
        #expect(environment.problems.isEmpty, "\(environment.problems)")
        #expect(
            environment.services.contains {
                $0.kind == "HelmRelease" && $0.name == "keda/keda" && $0.change == .reconfigured
            }, "\(environment.services)")
    }

    /// A change that only removes an object still reconfigures its Kustomization; an app's Namespace
    /// added beside its release comes with the release's line.
    @Test func aRemovalAloneHasAServiceLine() async throws {
        let repository = try await base.repository()
        try repository.write(
            "platform/configs/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: keda}\n"
        )
        try await TestGit.commitAll(in: repository.url)
        try FileManager.default.removeItem(at: repository.url.appendingPathComponent("platform/configs/extra.yaml"))
        let removed = try await base.diff(repository)
        #expect(removed.services.map(\.change) == [.reconfigured], "\(removed.services)")
        #expect(removed.services.map(\.kind) == ["Kustomization"])
        try await TestGit.commitAll(in: repository.url)
        try repository.write(
            "platform/services/other.yaml", PlatformFixture.keda().replacingOccurrences(of: "keda", with: "other"))
        let added = try await base.diff(repository)
        #expect(added.services.map(\.kind).filter { $0 == "Kustomization" }.isEmpty, "\(added.services)")
        #expect(added.services.map(\.kind).contains("HelmRelease"), "\(added.services)")
    }

    /// A HelmRelease whose chart comes through chartRef from an OCIRepository: a tag bump is an upgrade
    /// of the release, not a reconfigured Kustomization.
    @Test func aChartRefUpgradeIsAnUpgradeOfTheRelease() async throws {
        let repository = try await base.repository()
        func podinfo(_ tag: String) -> String {
            """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata: {name: podinfo, namespace: keda}
            spec:
              interval: 1h
              url: oci://ghcr.io/stefanprodan/charts/podinfo
              ref: {tag: \(tag)}
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: podinfo, namespace: keda}
            spec:
              interval: 1h
              chartRef: {kind: OCIRepository, name: podinfo}

            """
        }
        try repository.write("platform/services/podinfo.yaml", podinfo("6.7.0"))
        try await TestGit.commitAll(in: repository.url)
        try repository.write("platform/services/podinfo.yaml", podinfo("6.8.1"))
        let environment = try await base.diff(repository)
        #expect(
            environment.services == [
                ServiceChange(
                    change: .upgraded, kind: "HelmRelease", name: "keda/podinfo", from: "6.7.0", to: "6.8.1",
                    step: .minor)
            ])
        try await TestGit.commitAll(in: repository.url)
        try repository.write("platform/services/podinfo.yaml", podinfo("7.0.0"))
        #expect(try await base.diff(repository).services.map(\.step) == [.major])
        // Going down is a downgrade, never an upgrade.
        try await TestGit.commitAll(in: repository.url)
        try repository.write("platform/services/podinfo.yaml", podinfo("6.7.0"))
        let down = try await base.diff(repository).services
        #expect(down.map(\.change) == [.downgraded] && down.map(\.step) == [.downgrade], "\(down)")
    }
}
