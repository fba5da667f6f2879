import Foundation
import LockmasterKit
import Platform
import Support
import TestSupport
import Testing

/// Every `check` rule with a change that breaks it; the clean repository passes them all.
@Suite struct MergeGuardTests {
    /// The layout of DESIGN.md §1 (as `init` writes it) with KEDA added, committed on main.
    func repository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try await Scaffold.initialize(directory)
        try directory.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: directory.url)
        return directory
    }

    func check(_ repository: TemporaryDirectory, kubeVersion: KubernetesRelease? = nil, target: String? = "main")
        async throws -> CheckReport
    {
        try await MergeGuard(git: TestGit.client).run(
            CheckRequest(repository: repository.url, kubeVersion: kubeVersion, target: target, environment: [:]))
    }

    /// Applies `change` to a clean repository and returns the findings of `rule`.
    func findings(
        _ rule: CheckRule, kubeVersion: KubernetesRelease? = nil, _ change: (TemporaryDirectory) async throws -> Void
    ) async throws -> [CheckFinding] {
        let repository = try await repository()
        try await change(repository)
        return try await check(repository, kubeVersion: kubeVersion).findings.filter { $0.rule == rule }
    }

    @Test func kubernetesReleasesAreOneDotMinor() {
        #expect(KubernetesRelease("1.29")?.minor == 29 && KubernetesRelease("v1.31.2")?.minor == 31)
        #expect(["2.0", "1", "1.x", "1.29.x", "1.29.1.1", "", "latest"].allSatisfy { KubernetesRelease($0) == nil })
    }

    @Test func theCleanRepositoryPasses() async throws {
        let report = try await check(try await repository(), kubeVersion: KubernetesRelease(minor: 31))
        #expect(report.findings == [])
        #expect(report.base != nil)
    }

    /// A repository where no environment is found, here or at the base, is not passed: nothing Flux
    /// applies was judged (a CI job on a misconfigured clustersDir went green).
    @Test func noEnvironmentIsNotAPass() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("README.md", "not an estate\n")
        try await TestGit.commitAll(in: directory.url)
        await #expect(throws: RepositoryStateError.noEnvironments(clustersDir: "clusters")) {
            try await MergeGuard(git: TestGit.client).run(
                CheckRequest(repository: directory.url, target: "main", environment: [:]))
        }
        await #expect(throws: RepositoryStateError.noEnvironments(clustersDir: "clusters")) {
            try await PlatformDiffer(git: TestGit.client).run(
                DiffRequest(repository: directory.url, sides: .git(base: "HEAD", head: nil)))
        }
    }

    @Test func syncFileAddedOrChanged() async throws {
        let added = try await findings(.syncFileChanged) {
            try $0.write("clusters/staging/flux-system/gotk-sync.yaml", "# copied from a sandbox\n")
        }
        #expect(added.map(\.location.path) == ["clusters/staging/flux-system/gotk-sync.yaml"])
        #expect(added.first?.severity == .error)
        let changed = try await findings(.syncFileChanged) { repository in
            try repository.write("clusters/staging/flux-system/gotk-sync.yaml", "# bootstrap\n")
            try await TestGit.commitAll(in: repository.url, message: "bootstrap staging")
            try await TestGit.run(["switch", "-q", "-c", "change"], in: repository.url)
            try repository.write("clusters/staging/flux-system/gotk-sync.yaml", "# changed\n")
        }
        #expect(changed.first?.message.contains("is changed") == true)
    }

    /// Deleting a cluster's directory stops Flux there ('kustomization path not found'), and emptying it of
    /// what syncs it prunes everything; deleting a sandbox's directory is not this rule's.
    @Test func anEnvironmentsDirectoryDeleted() async throws {
        let removed = try await findings(.environmentRemoved) { repository in
            try FileManager.default.removeItem(at: repository.url.appendingPathComponent("clusters/staging"))
        }
        #expect(removed.map(\.location.path) == ["clusters/staging/platform.yaml"], "\(removed)")
        #expect(removed.first?.severity == .error)
        #expect(
            removed.first?.message.hasPrefix(
                "clusters/staging is no environment after this change (Kustomization/flux-system/platform-configs was declared here)"
            ) == true, "\(removed.map(\.message))")
        let gutted = try await findings(.environmentRemoved) { repository in
            try repository.write("clusters/staging/readme.md", "kept\n")
            try await TestGit.commitAll(in: repository.url, message: "readme")
            try FileManager.default.removeItem(
                at: repository.url.appendingPathComponent("clusters/staging/platform.yaml"))
        }
        #expect(gutted.map(\.location.path) == ["clusters/staging/platform.yaml"])
        let sandbox = try await findings(.environmentRemoved) { repository in
            try repository.write(
                "clusters/sandbox-ops-1-x/platform.yaml", try repository.read("clusters/development/platform.yaml"))
            try await TestGit.commitAll(in: repository.url, message: "sandbox")
            try FileManager.default.removeItem(at: repository.url.appendingPathComponent("clusters/sandbox-ops-1-x"))
        }
        #expect(sandbox.isEmpty)
    }

    /// A .sourceignore decides which files Flux reads, and render does not apply it.
    @Test func aSourceIgnoreAddedChangedOrDeleted() async throws {
        let added = try await findings(.sourceIgnoreChanged) {
            try $0.write("platform/services/.sourceignore", "keda.yaml\n")
        }
        #expect(added.map(\.location.path) == ["platform/services/.sourceignore"])
        #expect(added.first?.message.hasPrefix("platform/services/.sourceignore is added: Flux leaves out") == true)
        let silenced = try await findings(.sourceIgnoreChanged) {
            try $0.write(".sourceignore", "# lockmaster:ignore=source-ignore-changed\n/docs\n")
        }
        #expect(silenced.isEmpty)
    }

    /// A deleted sync file unhooks the cluster: Flux prunes what syncs it.
    @Test func syncFileDeleted() async throws {
        let deleted = try await findings(.syncFileChanged) { repository in
            try repository.write("clusters/staging/flux-system/gotk-sync.yaml", "# bootstrap\n")
            try await TestGit.commitAll(in: repository.url, message: "bootstrap staging")
            try FileManager.default.removeItem(
                at: repository.url.appendingPathComponent("clusters/staging/flux-system/gotk-sync.yaml"))
        }
        #expect(
            deleted.map(\.message) == [
                "clusters/staging/flux-system/gotk-sync.yaml is deleted: Flux prunes the GitRepository and Kustomization that sync staging, and the cluster stops following this repository"
            ])
    }

    @Test func sandboxDirectoryReachingMain() async throws {
        let found = try await findings(.sandboxInMain) { repository in
            _ = try await SandboxCreator(git: TestGit.client).run(
                SandboxCreateRequest(repository: repository.url, name: "OPS-7-try-keda"))
        }
        #expect(
            found.map(\.message) == [
                "clusters/sandbox-ops-7-try-keda is added: sandbox directories must not reach main"
            ])
    }

    @Test func aSandboxBranchMayHoldItsOwnDirectoryUntilThePullRequest() async throws {
        let repository = try await repository()
        _ = try await SandboxCreator(git: TestGit.client).run(
            SandboxCreateRequest(repository: repository.url, name: "OPS-7-try-keda"))
        let local = try await check(repository, target: nil)
        #expect(local.findings == [])
        #expect(
            local.notes.first?.hasPrefix(
                "clusters/sandbox-ops-7-try-keda belongs to this sandbox branch (OPS-7-try-keda)") == true)
        let ci = try await MergeGuard(git: TestGit.client).run(
            CheckRequest(repository: repository.url, environment: ["GITHUB_BASE_REF": "main"]))
        #expect(ci.findings.map(\.rule) == [.sandboxInMain])
        // Copied onto another branch, the directory is not at home.
        try await TestGit.run(["switch", "-q", "-c", "other-work"], in: repository.url)
        #expect(try await check(repository, target: nil).findings.map(\.rule) == [.sandboxInMain])
    }

    @Test func promotionOrderRules() async throws {
        let development = try await findings(.developmentTracksMain) {
            try $0.replace("clusters/development/platform.yaml", "branch: main", "branch: feature")
        }
        #expect(development.first?.location.path == "clusters/development/platform.yaml")
        let staging = try await findings(.stagingPatchRange) {
            try $0.replace("clusters/staging/platform.yaml", "semver: \"~0.1.0\"", "semver: \">=0.1.0\"")
        }
        #expect(staging.first?.severity == .warning)
        #expect(staging.first?.message.contains("admits a new major version 1.0.0") == true)
        let production = try await findings(.productionPinned) {
            try $0.replace("clusters/production/platform.yaml", "tag: \"0.1.0\"", "semver: \"~0.1.0\"")
        }
        #expect(production.first?.severity == .error)
    }

    @Test func referencesMustResolve() async throws {
        let source = try await findings(.danglingSourceRef) {
            try $0.replace("platform/services/keda.yaml", "        name: kedacore", "        name: kedacorp")
        }
        #expect(source.first?.location == SourceLocation(path: "platform/services/keda.yaml", line: 27, column: 9))
        let dependency = try await findings(.danglingDependsOn) {
            try $0.replace(
                "clusters/staging/platform.yaml", "    - name: platform-configs", "    - name: platform-config")
        }
        #expect(
            dependency.first?.message
                == "Kustomization/flux-system/platform-services depends on Kustomization/flux-system/platform-config, which staging does not declare"
        )
        let cycle = try await findings(.dependsOnCycle) {
            try $0.replace(
                "clusters/development/platform.yaml", "  path: ./platform/configs\n",
                "  path: ./platform/configs\n  dependsOn:\n    - name: platform-service-configs\n")
        }
        #expect(
            cycle.map(\.message) == [
                "dependsOn cycle: flux-system/platform-configs → flux-system/platform-service-configs → flux-system/platform-services → flux-system/platform-configs"
            ])
        // Applied by two Kustomizations with different content (the same content would be applied as one).
        let duplicate = try await findings(.duplicateObject) {
            try $0.write(
                "platform/configs/namespaces.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: keda\nspec:\n  finalizers: [example.com/hold]\n")
        }
        #expect(duplicate.first?.location.path == "platform/services/keda.yaml")
        // SOPS's metadata block is not applied: a decrypted copy is the same object.
        let sops = try await findings(.duplicateObject) {
            try $0.write(
                "platform/configs/namespaces.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: keda\nsops:\n  version: 3.9.0\n  mac: ENC[AES256_GCM,data:x]\n"
            )
        }
        #expect(sops.isEmpty, "\(sops.map(\.message))")
    }

    /// A chart written with the estate (here from the platform GitRepository) may template Flux
    /// objects: a dependency nothing else declares is then a warning that names the chart, if the chart's
    /// files name that kind. A chart path that is not in the repository declares nothing (a branch that
    /// added one made every dangling reference a warning).
    @Test func aLocalChartMayDeclareWhatADependencyNames() async throws {
        let dependency = { (repository: TemporaryDirectory) in
            try repository.replace(
                "clusters/development/platform.yaml", "  path: ./platform/configs\n",
                "  path: ./platform/configs\n  dependsOn:\n    - name: made-by-a-chart\n")
        }
        let plain = try await findings(.danglingDependsOn, dependency)
        #expect(plain.map(\.severity) == [.error], "\(plain.map(\.message))")
        let release =
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: spokes, namespace: flux-system}\n"
            + "spec:\n  interval: 1h\n  chart:\n    spec: {chart: ./charts/spokes, sourceRef: {kind: GitRepository, name: platform}}\n"
        let missing = try await findings(.danglingDependsOn) { repository in
            try dependency(repository)
            try repository.write("platform/services/local-chart.yaml", release)
        }
        #expect(missing.map(\.severity) == [.error], "\(missing.map(\.message))")
        let otherKinds = try await findings(.danglingDependsOn) { repository in
            try dependency(repository)
            try repository.write("platform/services/local-chart.yaml", release)
            try repository.write("charts/spokes/Chart.yaml", "apiVersion: v2\nname: spokes\nversion: 1.0.0\n")
            try repository.write("charts/spokes/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\n")
        }
        #expect(otherKinds.map(\.severity) == [.error], "\(otherKinds.map(\.message))")
        let charted = try await findings(.danglingDependsOn) { repository in
            try dependency(repository)
            try repository.write("platform/services/local-chart.yaml", release)
            try repository.write("charts/spokes/Chart.yaml", "apiVersion: v2\nname: spokes\nversion: 1.0.0\n")
            try repository.write(
                "charts/spokes/templates/ks.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n")
        }
        // Decoys: a chart from a GitRepository declared nowhere, and the repository root as a chart (its
        // files name every kind, but it has no Chart.yaml), declare nothing.
        for decoy in [
            release.replacingOccurrences(of: "name: platform}", with: "name: nowhere}"),
            release.replacingOccurrences(of: "chart: ./charts/spokes", with: "chart: ./"),
        ] {
            let found = try await findings(.danglingDependsOn) { repository in
                try dependency(repository)
                try repository.write("platform/services/local-chart.yaml", decoy)
            }
            #expect(found.map(\.severity) == [.error], "\(decoy): \(found.map(\.message))")
        }
        #expect(charted.map(\.severity) == [.warning], "\(charted.map(\.message))")
        #expect(
            charted.first?.message.hasSuffix(
                "; the chart of HelmRelease flux-system/spokes is not rendered, so it may be declared there") == true,
            "\(charted.map(\.message))")
    }

    /// A hub applying to spokes through spec.kubeConfig: the same identity in two spoke clusters is two
    /// objects, not a duplicate; without kubeConfig it is one object applied twice.
    @Test func copiesForOtherClustersAreNotDuplicates() async throws {
        func spokes(kubeConfig: Bool) -> String {
            ["a", "b"].map { spoke in
                "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: spoke-\(spoke), namespace: flux-system}\n"
                    + "spec: {interval: 1h, path: ./platform/spoke-\(spoke), prune: true, sourceRef: {kind: GitRepository, name: platform}"
                    + (kubeConfig ? ", kubeConfig: {secretRef: {name: spoke-\(spoke)-kubeconfig}}" : "") + "}\n"
            }.joined(separator: "---\n")
        }
        for kubeConfig in [true, false] {
            let found = try await findings(.duplicateObject) { repository in
                try repository.write("clusters/development/spokes.yaml", spokes(kubeConfig: kubeConfig))
                for spoke in ["a", "b"] {
                    try repository.write(
                        "platform/spoke-\(spoke)/settings.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shared}\ndata: {cluster: \(spoke)}\n"
                    )
                }
            }
            #expect(found.count == (kubeConfig ? 0 : 1), "kubeConfig \(kubeConfig): \(found.map(\.message))")
        }
    }

    /// Flux 2.7's ArtifactGenerator declares one ExternalArtifact per spec.artifacts entry, in its namespace.
    static let generated = """
        apiVersion: source.extensions.fluxcd.io/v1beta1
        kind: ArtifactGenerator
        metadata:
          name: split
          namespace: flux-system
        spec:
          sources:
            - {alias: repo, kind: GitRepository, name: platform}
          artifacts:
            - name: infra
              copy:
                - {from: "@repo/platform/configs/**", to: "@artifact/"}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: infra
          namespace: flux-system
        spec:
          interval: 10m
          path: ./
          prune: true
          sourceRef: {kind: ExternalArtifact, name: infra}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: other
          namespace: flux-system
        spec:
          interval: 10m
          path: ./
          prune: true
          sourceRef: {kind: ExternalArtifact, name: other}

        """

    @Test func externalArtifactsOfAnArtifactGeneratorAreDeclared() async throws {
        let found = try await findings(.danglingSourceRef) {
            try $0.write("clusters/development/generated.yaml", Self.generated)
        }
        // What the generated artifact `infra` applies is not known offline, so the reference is a warning that says so.
        #expect(
            found.map(\.message) == [
                "Kustomization/flux-system/other uses ExternalArtifact/flux-system/other, which development does not declare; "
                    + "1 Kustomization of development could not be rendered offline (flux-system/infra), so it may be declared there"
            ])
        #expect(found.map(\.severity) == [.warning])
    }

    /// Before bootstrap (a new sandbox, an example repository), the flux-system GitRepository that
    /// flux bootstrap will write counts as declared; once gotk-sync.yaml is there, it must declare it.
    @Test func theBootstrapSourceCountsAsDeclaredUntilBootstrap() async throws {
        func useBootstrapSource(_ repository: TemporaryDirectory) throws {
            try repository.replace(
                "clusters/development/platform.yaml", "  path: ./platform/configs\n",
                "  path: ./platform/configs\n  sourceRef: {kind: GitRepository, name: flux-system}\n")
            let text = try repository.read("clusters/development/platform.yaml")
            try repository.write(
                "clusters/development/platform.yaml",
                text.replacingOccurrences(
                    of:
                        "  sourceRef: {kind: GitRepository, name: flux-system}\n  prune: true\n  wait: true\n  sourceRef:\n    kind: GitRepository\n    name: platform\n",
                    with: "  sourceRef: {kind: GitRepository, name: flux-system}\n  prune: true\n  wait: true\n"))
        }
        #expect(try await findings(.danglingSourceRef) { try useBootstrapSource($0) } == [])
        let bootstrapped = try await findings(.danglingSourceRef) { repository in
            try useBootstrapSource(repository)
            try repository.write(
                "clusters/development/flux-system/gotk-sync.yaml",
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: flux-system, namespace: flux-system}
                spec: {interval: 10m, path: ./clusters/development, prune: true, sourceRef: {kind: GitRepository, name: platform}}

                """)
        }
        #expect(
            bootstrapped.map(\.message) == [
                "Kustomization/flux-system/platform-configs uses GitRepository/flux-system/flux-system, which development does not declare"
            ])
    }

    /// A Flux Operator FluxInstance's spec.sync creates a source and a Kustomization named after its namespace.
    static let instance = """
        apiVersion: fluxcd.controlplane.io/v1
        kind: FluxInstance
        metadata: {name: flux, namespace: flux-system}
        spec:
          distribution: {version: "2.x", registry: ghcr.io/fluxcd}
          sync: {kind: OCIRepository, url: "oci://registry.example.com/acme/fleet", ref: latest, path: clusters/development}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: tenants, namespace: flux-system}
        spec: {interval: 10m, path: ./tenants, prune: true, sourceRef: {kind: OCIRepository, name: flux-system}}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: legacy, namespace: flux-system}
        spec: {interval: 10m, path: ./legacy, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}

        """

    @Test func aFluxInstanceDeclaresItsSyncSource() async throws {
        let found = try await findings(.danglingSourceRef) {
            try $0.write("clusters/development/flux-system/flux-instance.yaml", Self.instance)
        }
        // The operator makes an OCIRepository: a GitRepository flux-system is not there, bootstrap or not.
        #expect(
            found.map(\.message) == [
                "Kustomization/flux-system/legacy uses GitRepository/flux-system/flux-system, which development does not declare"
            ])
    }

    /// The schema init wrote for editors is checked against this binary's: a stale copy gets a note.
    @Test func aStaleEditorSchemaGetsANote() async throws {
        let repository = try await repository()
        #expect(!(try await check(repository)).notes.contains { $0.hasPrefix("lockmaster.schema.json") })
        try repository.write("lockmaster.schema.json", "{}\n")
        #expect(
            try await check(repository).notes.contains(
                "lockmaster.schema.json differs from the schema this lockmaster validates with; refresh it for your editor: lockmaster schema > lockmaster.schema.json"
            ))
    }

    @Test func aRepositoryWithoutPlatformPathsIsNotAParseError() async throws {
        let repository = try await repository()
        try FileManager.default.removeItem(at: repository.url.appendingPathComponent("platform"))
        try await TestGit.commitAll(in: repository.url, message: "no platform yet")
        let report = try await check(repository)
        #expect(!report.findings.contains { $0.rule == .parseError })
        #expect(report.notes.contains { $0.hasPrefix("platform does not exist; nothing under it was checked") })
    }

    @Test func chartsMustBeExactWhereVersionsAreDeterministic() async throws {
        let found = try await findings(.unpinnedChart) {
            try $0.replace("platform/services/keda.yaml", "version: 2.14.0", "version: 2.x")
        }
        #expect(found.count == 1)
        #expect(found.first?.severity == .warning)
        #expect(found.first?.location == SourceLocation(path: "platform/services/keda.yaml", line: 25, column: 16))
    }

    /// check.rules and check.exclude in the base's lockmaster.yaml tune a rule for the estate; the change's
    /// own lockmaster.yaml does not.
    @Test func theBasesSettingsTuneTheRules() async throws {
        let removed = { (repository: TemporaryDirectory) in
            try repository.replace(
                "platform/services/keda.yaml", "helm.toolkit.fluxcd.io/v2\n", "helm.toolkit.fluxcd.io/v2beta1\n")
        }
        func tuned(_ check: String, onTheBranch: Bool = false) async throws -> CheckReport {
            let repository = try await repository()
            let settings = try repository.read("lockmaster.yaml")
            try repository.write("lockmaster.yaml", settings + check)
            if !onTheBranch { try await TestGit.commitAll(in: repository.url, message: "tune check") }
            try removed(repository)
            return try await self.check(repository)
        }
        let error = try await tuned("check: {rules: {deprecated-api: error}}\n")
        #expect(error.findings.filter { $0.rule == .deprecatedAPI }.map(\.severity) == [.error])
        #expect(
            error.rules.first { $0.rule == .deprecatedAPI }
                == RuleState(rule: .deprecatedAPI, severity: "error", source: "lockmaster.yaml"))
        #expect(
            error.rules.first { $0.rule == .symlink } == RuleState(rule: .symlink, severity: "error", source: "default")
        )
        let off = try await tuned("check: {rules: {deprecated-api: \"off\"}}\n")
        #expect(!off.findings.contains { $0.rule == .deprecatedAPI })
        #expect(
            off.notes.contains(
                "1 finding of [deprecated-api] not reported: the rule is off (check.rules in lockmaster.yaml)"),
            "\(off.notes)")
        let excluded = try await tuned("check: {exclude: {deprecated-api: [platform/services/**]}}\n")
        #expect(!excluded.findings.contains { $0.rule == .deprecatedAPI })
        let reincluded = try await tuned(
            "check: {exclude: {deprecated-api: [platform/**, \"!platform/services/keda.yaml\"]}}\n")
        #expect(reincluded.findings.contains { $0.rule == .deprecatedAPI })
        // Written by the change itself: not applied (and settings-changed says so).
        let branch = try await tuned("check: {rules: {deprecated-api: \"off\"}}\n", onTheBranch: true)
        #expect(branch.findings.contains { $0.rule == .deprecatedAPI })
    }

    /// lockmaster.yaml's schema names every rule under check.rules and check.exclude, and no other.
    @Test func theSettingsSchemaNamesEveryRule() throws {
        let schema = try #require(
            try JSONSerialization.jsonObject(with: Data(SettingsSchema.json.utf8)) as? [String: Any])
        let check = (schema["properties"] as? [String: Any])?["check"] as? [String: Any]
        for field in ["rules", "exclude"] {
            let properties = ((check?["properties"] as? [String: Any])?[field] as? [String: Any])?["properties"]
            let named = Set(((properties as? [String: Any]) ?? [:]).keys)
            #expect(named == Set(CheckRule.allCases.map(\.rawValue)), "check.\(field)")
        }
    }

    @Test func deprecatedAPIs() async throws {
        let flux = try await findings(.deprecatedAPI) { repository in
            try repository.replace(
                "platform/services/keda.yaml", "helm.toolkit.fluxcd.io/v2\n", "helm.toolkit.fluxcd.io/v2beta1\n")
            try repository.replace(
                "clusters/staging/platform.yaml", "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository",
                "apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository")
        }
        // No Flux version in git: a removed API is a warning that says what would make it certain.
        #expect(flux.map(\.severity) == [.warning, .warning])
        #expect(
            flux.last?.message == "HelmRelease helm.toolkit.fluxcd.io/v2beta1 is removed in Flux 2.7 "
                + "(development: no Flux version in git): an error if development runs Flux 2.7 or later")
        #expect(
            flux.last?.hint
                == "use helm.toolkit.fluxcd.io/v2, served since Flux 2.3; or set fluxVersion for development in lockmaster.yaml to make this certain"
        )
        // fluxVersion in lockmaster.yaml (at the base) settles it.
        let settled = try await findings(.deprecatedAPI) { repository in
            let settings = try repository.read("lockmaster.yaml")
            try repository.write("lockmaster.yaml", settings + "fluxVersion: {development: \"2.7\"}\n")
            try await TestGit.commitAll(in: repository.url, message: "Flux 2.7")
            try repository.replace(
                "platform/services/keda.yaml", "helm.toolkit.fluxcd.io/v2\n", "helm.toolkit.fluxcd.io/v2beta1\n")
        }
        #expect(settled.map(\.severity) == [.error], "\(settled)")
        #expect(
            settled.first?.message.contains("(development installs Flux 2.7, from fluxVersion in lockmaster.yaml)")
                == true)
        // Flux 0.x serves the beta APIs and none of their replacements: upgrade Flux first.
        let legacy = try await findings(.deprecatedAPI) { repository in
            let settings = try repository.read("lockmaster.yaml")
            try repository.write("lockmaster.yaml", settings + "fluxVersion: {development: \"v0.31.1\"}\n")
            try await TestGit.commitAll(in: repository.url, message: "Flux 0.31")
            try repository.replace(
                "platform/services/keda.yaml", "helm.toolkit.fluxcd.io/v2\n", "helm.toolkit.fluxcd.io/v2beta1\n")
        }
        #expect(legacy.map(\.severity) == [.warning], "\(legacy)")
        #expect(legacy.first?.hint == "upgrade Flux to 2.3 or later, then use helm.toolkit.fluxcd.io/v2", "\(legacy)")
        // Flux installed from the flux-manifests artifact, or from the flux2 repository's install base.
        for (file, text) in [
            (
                "clusters/development/flux.yaml",
                "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: flux-manifests, namespace: flux-system}\n"
                    + "spec: {interval: 1h, url: oci://ghcr.io/fluxcd/flux-manifests, ref: {tag: v2.8.0}}\n"
            ),
            (
                "clusters/development/flux-system/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- https://github.com/fluxcd/flux2/manifests/install?ref=v2.8.0\n"
            ),
        ] {
            let found = try await findings(.deprecatedAPI) { repository in
                try repository.write(file, text)
                try repository.replace(
                    "platform/services/keda.yaml", "helm.toolkit.fluxcd.io/v2\n", "helm.toolkit.fluxcd.io/v2beta1\n")
            }
            // Development's verdict is certain; staging's (it applies the same file) is not.
            #expect(
                found.contains {
                    $0.severity == .error && $0.message.contains("(development installs Flux 2.8, from \(file)")
                }, "\(file): \(found.map(\.message))")
        }
        // On Flux 2.4 (bootstrap's header in gotk-components.yaml) both are still served; OCIRepository v1
        // is not yet, so the fix is an upgrade.
        let old = try await findings(.deprecatedAPI) { repository in
            try repository.replace(
                "platform/services/keda.yaml", "helm.toolkit.fluxcd.io/v2\n", "helm.toolkit.fluxcd.io/v2beta1\n")
            try repository.replace(
                "clusters/staging/platform.yaml", "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository",
                "apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository")
            for environment in ["development", "staging", "production"] {
                try repository.write(
                    "clusters/\(environment)/flux-system/gotk-components.yaml",
                    "# This manifest was generated by flux. DO NOT EDIT.\n# Flux Version: v2.4.0\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n"
                )
            }
        }
        #expect(old.map(\.severity) == [.warning, .warning])
        #expect(old.first?.hint == "upgrade Flux to 2.6 or later, then use source.toolkit.fluxcd.io/v1")
        #expect(
            old.last?.message
                == "HelmRelease helm.toolkit.fluxcd.io/v2beta1 is deprecated and removed in Flux 2.7 (development installs Flux 2.4, from clusters/development/flux-system/gotk-components.yaml)"
        )
        // The change cannot lower the Flux it is judged by: the base's 2.7 header stands against the branch's 2.6.
        let lowered = try await findings(.deprecatedAPI) { repository in
            let components = { (version: String) in
                "# This manifest was generated by flux. DO NOT EDIT.\n# Flux Version: \(version)\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n"
            }
            try repository.write("clusters/development/flux-system/gotk-components.yaml", components("v2.7.0"))
            try await TestGit.commitAll(in: repository.url, message: "Flux 2.7")
            try repository.write("clusters/development/flux-system/gotk-components.yaml", components("v2.6.0"))
            try repository.replace(
                "platform/services/keda.yaml", "helm.toolkit.fluxcd.io/v2\n", "helm.toolkit.fluxcd.io/v2beta1\n")
        }
        #expect(
            lowered.contains {
                $0.severity == .error
                    && $0.message.contains(
                        "(development installs Flux 2.7, from clusters/development/flux-system/gotk-components.yaml at the base)"
                    )
            }, "\(lowered.map(\.message))")
        let pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: keda\n  namespace: keda\n"
        let removed = try await findings(.deprecatedAPI, kubeVersion: KubernetesRelease(minor: 25)) {
            try $0.write("platform/configs/pdb.yaml", pdb)
        }
        #expect(
            removed.map(\.message) == [
                "PodDisruptionBudget policy/v1beta1 is not served by Kubernetes 1.25 (removed in 1.25)"
            ])
        let deprecated = try await findings(.deprecatedAPI, kubeVersion: KubernetesRelease(minor: 22)) {
            try $0.write("platform/configs/pdb.yaml", pdb)
        }
        #expect(deprecated.first?.severity == .warning)
        #expect(try await findings(.deprecatedAPI) { try $0.write("platform/configs/pdb.yaml", pdb) } == [])
    }

    @Test func parseErrorsHaveTheirPosition() async throws {
        let found = try await findings(.parseError) { try $0.write("platform/configs/broken.yaml", "a: [1, 2\n") }
        #expect(found.first?.location.path == "platform/configs/broken.yaml")
        #expect(found.first?.location.line == 2)
    }

    @Test func commentsSilenceOneRuleOnALineOrADocument() async throws {
        let repository = try await repository()
        try repository.replace(
            "platform/services/keda.yaml", "version: 2.14.0", "version: 2.x # lockmaster:ignore=unpinned-chart")
        let report = try await check(repository)
        #expect(report.findings == [])
        #expect(report.silenced.map(\.rule) == [.unpinnedChart])
        try repository.replace(
            "platform/services/keda.yaml", "version: 2.x # lockmaster:ignore=unpinned-chart",
            "version: 2.x\n# lockmaster:ignore=deprecated-api,unpinned-chart")
        #expect(try await check(repository).silenced.map(\.rule) == [.unpinnedChart])
        try repository.replace(
            "platform/services/keda.yaml", "# lockmaster:ignore=deprecated-api,unpinned-chart",
            "# lockmaster:ignore=deprecated-api")
        #expect(try await check(repository).findings.map(\.rule) == [.unpinnedChart])
    }
}
