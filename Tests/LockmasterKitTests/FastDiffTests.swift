import Foundation
import LockmasterKit
import Support
import TestSupport
import Testing

/// `diff` builds only what a change touches; the result must be what two full renders compare to.
/// Each case changes a small home-ops–shaped estate and compares the fast diff with `buildAll`.
@Suite struct FastDiffTests {
    /// Two clusters; each entry holds the cluster settings and `cluster-apps`, which builds the apps
    /// directory: two namespaces, three apps each (`ks.yaml` → `app/`), a shared component naming a
    /// ConfigMap after the app, and a `sources` Kustomization holding a chart that one app's
    /// HelmRelease follows from another Kustomization.
    static func estate(_ directory: TemporaryDirectory) throws {
        try directory.write(
            "lockmaster.yaml",
            "clustersDir: clusters\nplatformPaths: [kubernetes]\nbranch: main\nenvironments: [development, production]\n"
        )
        try directory.write(
            "kubernetes/components/common/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [./alerts.yaml]\n")
        try directory.write(
            "kubernetes/components/common/alerts.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${APP}-alerts\ndata:\n  severity: warning\n")
        for cluster in ["development", "production"] {
            try directory.write(
                "clusters/\(cluster)/flux-system/gotk-sync.yaml",
                """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: GitRepository
                metadata: {name: flux-system, namespace: flux-system}
                spec: {interval: 1m, ref: {branch: main}, url: https://git.example.com/acme/home-ops}
                ---
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: flux-system, namespace: flux-system}
                spec: {interval: 10m, path: ./clusters/\(cluster), prune: true, sourceRef: {kind: GitRepository, name: flux-system}}

                """)
            try directory.write("clusters/\(cluster)/flux-system/kustomization.yaml", "resources: [gotk-sync.yaml]\n")
            try directory.write(
                "clusters/\(cluster)/settings.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-settings, namespace: flux-system}\ndata: {DOMAIN: \(cluster).example.com, TZ: UTC}\n"
            )
            try directory.write(
                "clusters/\(cluster)/apps.yaml",
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: cluster-apps, namespace: flux-system}
                spec:
                  interval: 30m
                  path: ./kubernetes/\(cluster)/apps
                  prune: true
                  sourceRef: {kind: GitRepository, name: flux-system}
                  postBuild:
                    substituteFrom: [{kind: ConfigMap, name: cluster-settings}]

                """)
            let base = "kubernetes/\(cluster)/apps"
            try directory.write("\(base)/kustomization.yaml", "resources: [./media, ./tools, ./sources.yaml]\n")
            try directory.write(
                "\(base)/sources.yaml",
                Self.kustomization(
                    "sources", namespace: "media", path: "./\(base)/sources", app: "sources", component: false))
            try directory.write("\(base)/sources/chart.yaml", Self.chart("shared-chart", tag: "1.0.0"))
            // Values plex takes through valuesFrom, from another Kustomization (both in media).
            try directory.write(
                "\(base)/sources/values.yaml",
                ["small": "1", "large": "500"].sorted(by: { $0.key < $1.key }).map { size, replicas in
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plex-\(size)}\ndata:\n  values.yaml: |\n    replicas: \(replicas)\n"
                }.joined(separator: "---\n"))
            for (namespace, apps) in [("media", ["plex", "sonarr", "radarr"]), ("tools", ["echo", "dex", "kite"])] {
                try directory.write(
                    "\(base)/\(namespace)/kustomization.yaml",
                    "resources: [./namespace.yaml" + apps.map { ", ./\($0)/ks.yaml" }.joined() + "]\n")
                try directory.write(
                    "\(base)/\(namespace)/namespace.yaml",
                    "apiVersion: v1\nkind: Namespace\nmetadata: {name: \(namespace)}\n")
                for (index, app) in apps.enumerated() {
                    try directory.write(
                        "\(base)/\(namespace)/\(app)/ks.yaml",
                        Self.kustomization(
                            app, namespace: namespace, path: "./\(base)/\(namespace)/\(app)/app", app: app,
                            dependsOn: index > 0 ? apps[index - 1] : nil))
                    try directory.write(
                        "\(base)/\(namespace)/\(app)/app/kustomization.yaml",
                        "resources: [./ocirepository.yaml, ./helmrelease.yaml\(app == "dex" ? ", ./vars.yaml" : "")]\n")
                    try directory.write(
                        "\(base)/\(namespace)/\(app)/app/ocirepository.yaml", Self.chart(app, tag: "2.\(index).0"))
                    // dex holds a ConfigMap whose name is spelled with an escape (`app-vars`).
                    try directory.write(
                        "\(base)/\(namespace)/\(app)/app/vars.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"\\x61pp-vars\"\ndata: {REPLICAS: \"4\"}\n"
                    )
                    // dex follows the chart of the sources Kustomization.
                    try directory.write(
                        "\(base)/\(namespace)/\(app)/app/helmrelease.yaml",
                        Self.release(
                            app, chart: app == "dex" ? "shared-chart" : app,
                            chartNamespace: app == "dex" ? "media" : nil)
                            + (app == "plex" ? "  valuesFrom: [{kind: ConfigMap, name: plex-small}]\n" : ""))
                }
            }
        }
    }

    static func kustomization(
        _ name: String, namespace: String, path: String, app: String, dependsOn: String? = nil, component: Bool = true
    ) -> String {
        """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: \(name), namespace: flux-system}
        spec:
          targetNamespace: \(namespace)
          components: [\(component ? "../../../../../components/common" : "")]
          path: \(path)
          prune: true
          interval: 30m
          sourceRef: {kind: GitRepository, name: flux-system}
        \(dependsOn.map { "  dependsOn: [{name: \($0)}]\n" } ?? "")  postBuild:
            substituteFrom: [{kind: ConfigMap, name: cluster-settings}]
            substitute: {APP: \(app)}

        """
    }

    static func chart(_ name: String, tag: String) -> String {
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: \(name)}\nspec: {interval: 1h, url: oci://ghcr.io/acme/\(name), ref: {tag: \(tag)}}\n"
    }

    static func release(_ name: String, chart: String, chartNamespace: String?) -> String {
        """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: \(name)}
        spec:
          interval: 1h
          chartRef: {kind: OCIRepository, name: \(chart)\(chartNamespace.map { ", namespace: \($0)" } ?? "")}
          values:
            host: \(name).${DOMAIN}
            replicas: 1

        """
    }

    /// One change to the estate's work tree.
    struct Change: CustomTestStringConvertible, Sendable {
        var name: String
        /// Whether Flux would apply something else (a moved file changes nothing).
        var changes = true
        var apply: @Sendable (TemporaryDirectory) throws -> Void
        var testDescription: String { name }
    }

    static let apps = "kubernetes/development/apps"

    static let changes: [Change] = [
        Change(name: "a HelmRelease value") {
            try $0.replace("\(apps)/media/sonarr/app/helmrelease.yaml", "replicas: 1", "replicas: 2")
        },
        Change(name: "the shared component") {
            try $0.replace("kubernetes/components/common/alerts.yaml", "warning", "critical")
        },
        Change(name: "a substitution input") {
            try $0.replace("clusters/development/settings.yaml", "TZ: UTC", "TZ: Europe/Paris")
        },
        Change(name: "an app added") { directory in
            try directory.replace(
                "\(apps)/tools/kustomization.yaml", ", ./kite/ks.yaml", ", ./kite/ks.yaml, ./zed/ks.yaml")
            try directory.write(
                "\(apps)/tools/zed/ks.yaml",
                kustomization("zed", namespace: "tools", path: "./\(apps)/tools/zed/app", app: "zed"))
            try directory.write("\(apps)/tools/zed/app/kustomization.yaml", "resources: [./helmrelease.yaml]\n")
            try directory.write(
                "\(apps)/tools/zed/app/helmrelease.yaml", release("zed", chart: "echo", chartNamespace: nil))
        },
        Change(name: "an app removed") { try $0.replace("\(apps)/media/kustomization.yaml", ", ./radarr/ks.yaml", "") },
        Change(name: "a file moved", changes: false) { directory in
            try FileManager.default.moveItem(
                at: directory.url.appendingPathComponent("\(apps)/tools/echo/app/helmrelease.yaml"),
                to: directory.url.appendingPathComponent("\(apps)/tools/echo/app/release.yaml"))
            try directory.replace("\(apps)/tools/echo/app/kustomization.yaml", "./helmrelease.yaml", "./release.yaml")
        },
        Change(name: "a chart source another Kustomization follows") {
            try $0.replace("\(apps)/sources/chart.yaml", "tag: 1.0.0", "tag: 1.1.0")
        },
        Change(name: "a spec's own variable") {
            try $0.replace("\(apps)/media/plex/ks.yaml", "APP: plex", "APP: plex-server")
        },
        Change(name: "an object another Kustomization also makes") { directory in
            try directory.write(
                "\(apps)/tools/kite/app/extra.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dex-alerts}\ndata: {a: b}\n")
            try directory.replace(
                "\(apps)/tools/kite/app/kustomization.yaml", "./helmrelease.yaml]", "./helmrelease.yaml, ./extra.yaml]")
        },
        Change(name: "a ConfigMap named like the settings, earlier in the order") { directory in
            try directory.write(
                "\(apps)/media/plex/app/settings.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-settings}\ndata: {DOMAIN: plex.example.com}\n"
            )
            try directory.replace(
                "\(apps)/media/plex/app/kustomization.yaml", "./helmrelease.yaml]",
                "./helmrelease.yaml, ./settings.yaml]")
        },
        Change(name: "a substitution source spelled with an escape in an unchanged Kustomization") { directory in
            try directory.replace(
                "\(apps)/media/sonarr/ks.yaml", "[{kind: ConfigMap, name: cluster-settings}]",
                "[{kind: ConfigMap, name: cluster-settings}, {kind: ConfigMap, name: app-vars}]")
            try directory.replace(
                "\(apps)/media/sonarr/app/helmrelease.yaml", "host: sonarr.", "host: sonarr-${REPLICAS}.")
        },
        Change(name: "an environment the base does not have") { directory in
            for file in ["flux-system/gotk-sync.yaml", "flux-system/kustomization.yaml", "settings.yaml", "apps.yaml"] {
                try directory.write(
                    "clusters/staging/\(file)",
                    try directory.read("clusters/production/\(file)")
                        .replacingOccurrences(of: "clusters/production", with: "clusters/staging"))
            }
            try directory.replace("lockmaster.yaml", "[development, production]", "[development, staging, production]")
        },
        Change(name: "a release switching valuesFrom to a ConfigMap of an unchanged Kustomization") { directory in
            try directory.replace("\(apps)/media/plex/app/helmrelease.yaml", "name: plex-small", "name: plex-large")
        },
        Change(name: "a child Kustomization whose apiVersion follows a comment") { directory in
            try directory.replace(
                "\(apps)/media/radarr/ks.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1",
                "apiVersion: # Flux\n  kustomize.toolkit.fluxcd.io/v1")
            try directory.replace("\(apps)/media/radarr/app/helmrelease.yaml", "replicas: 1", "replicas: 2")
        },
        Change(name: "a generated ConfigMap") { directory in
            try directory.replace(
                "\(apps)/tools/dex/app/kustomization.yaml", "resources:",
                "configMapGenerator: [{name: dex-config, literals: [a=b]}]\nresources:")
        },
    ]

    func diffs(_ repository: TemporaryDirectory) async throws -> (fast: DiffReport, full: DiffReport) {
        let request = DiffRequest(repository: repository.url, sides: .git(base: nil, head: nil))
        let fast = try await PlatformDiffer(git: TestGit.client).run(request)
        let full = try await PlatformDiffer(git: TestGit.client, buildAll: true).run(request)
        return (fast, full)
    }

    func committedEstate() async throws -> TemporaryDirectory {
        let repository = try TemporaryDirectory()
        try Self.estate(repository)
        try await TestGit.commitAll(in: repository.url)
        return repository
    }

    @Test func theEstateRendersWithoutProblems() async throws {
        let repository = try await committedEstate()
        for environment in ["development", "production"] {
            let report = try await PlatformRenderer().run(
                RenderRequest(repository: repository.url, environment: environment, offline: true))
            #expect(report.problems.isEmpty, "\(report.problems)")
            #expect(report.objects.count > 30)
        }
        let unchanged = try await diffs(repository)
        #expect(unchanged.fast == unchanged.full && !unchanged.fast.hasChanges)
    }

    @Test(arguments: changes) func agreesWithFullRenders(_ change: Change) async throws {
        let repository = try await committedEstate()
        try change.apply(repository)
        let (fast, full) = try await diffs(repository)
        #expect(fast == full)
        #expect(fast.hasChanges == change.changes)
    }

    /// Several changes at once, chosen by a seeded generator.
    @Test func agreesOnCombinedChanges() async throws {
        var generator = SeededGenerator(seed: 16)
        for _ in 0..<4 {
            let repository = try await committedEstate()
            let chosen = Self.changes.shuffled(using: &generator).prefix(3)
            for change in chosen { try change.apply(repository) }
            let (fast, full) = try await diffs(repository)
            #expect(fast == full, "\(chosen.map(\.name))")
        }
    }
}

/// A deterministic random number generator (SplitMix64), so a failing combination can be run again.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
