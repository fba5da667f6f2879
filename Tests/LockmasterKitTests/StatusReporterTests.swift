import Foundation
import LockmasterKit
import Platform
import Support
import TestSupport
import Testing

@Suite struct StatusReporterTests {
    @Test func reportsEveryEnvironment() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(PlatformFixture.files())
        let report = try StatusReporter.report(repositoryRoot: directory.url)
        #expect(report.explanation == nil)
        #expect(report.environments.map(\.kind) == [.tracksBranch, .tracksRange, .pinned])
        let development = report.environments[0]
        #expect(development.source?.kind == "GitRepository")
        #expect(development.source?.apiVersion == "source.toolkit.fluxcd.io/v1beta2")
        #expect(development.source?.location.description == "clusters/development/platform.yaml:4:1")
        #expect(development.entry?.path == "./clusters/development")
        #expect(development.kustomizations.map(\.path) == ["./platform/services", "./platform/configs"])
        #expect(development.kustomizations[1].dependsOn == ["flux-system/platform-services"])
        #expect(report.environments[1].ref == "0.0.x")
        let text = StatusTextFormatter.format(report)
        #expect(
            text.contains(
                "staging      tracks-range   OCIRepository/platform  semver 0.0.x  oci://registry.example.com/acme/platform"
            ))
    }

    /// status says which Flux each environment installs and where that was read, or that git does not say.
    @Test func theFluxEachEnvironmentInstalls() throws {
        let directory = try TemporaryDirectory()
        try directory.write(PlatformFixture.files())
        try directory.write(
            "clusters/staging/flux-system/gotk-components.yaml",
            "# Flux Version: v2.6.1\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: flux-system}\n")
        try directory.write("lockmaster.yaml", "fluxVersion: {production: \"2.4\"}\n")
        let report = try StatusReporter.report(repositoryRoot: directory.url)
        #expect(report.environments.map(\.fluxVersion) == [nil, "2.6", "2.4"])
        #expect(
            report.environments.map(\.fluxVersionFrom) == [
                nil, "clusters/staging/flux-system/gotk-components.yaml", "fluxVersion in lockmaster.yaml",
            ])
        let text = StatusTextFormatter.format(report)
        #expect(text.contains("  flux: Flux 2.6, from clusters/staging/flux-system/gotk-components.yaml"), "\(text)")
        #expect(text.contains("  flux: not known from git (fluxVersion in lockmaster.yaml can say)"))
        // Flux 0.x is a version too; a value that is no Flux version is refused with where it is.
        try directory.write(
            "clusters/staging/flux-system/gotk-components.yaml",
            "# Flux Version: v0.31.1\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: flux-system}\n")
        #expect(try StatusReporter.report(repositoryRoot: directory.url).environments.map(\.fluxVersion)[1] == "0.31")
        try directory.write("lockmaster.yaml", "fluxVersion: {production: banana}\n")
        #expect {
            try StatusReporter.report(repositoryRoot: directory.url)
        } throws: { error in
            "\(error)".contains("lockmaster.yaml:1:27")
                && "\(error)".contains("fluxVersion.production is not of the form")
        }
    }

    /// A flux-instance chart release whose values leave out the version installs the chart's default, 2.x.
    @Test func theFluxInstanceChartsDefaultVersion() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            RealEstateGuardTests.homeOps.mapValues {
                $0.replacingOccurrences(of: "distribution: {version: 2.6.x}\n", with: "")
            })
        let report = try StatusReporter.report(repositoryRoot: directory.url)
        #expect(report.environments.map(\.fluxVersion) == ["newest"], "\(report.environments.map(\.fluxVersionFrom))")
        #expect(
            report.environments.first?.fluxVersionFrom?.hasSuffix("(the flux-instance chart's default, 2.x)") == true)
    }

    @Test func noClustersDirectoryExplainsAndHints() throws {
        let directory = try TemporaryDirectory()
        let report = try StatusReporter.report(repositoryRoot: directory.url)
        #expect(report.explanation == "no environments: there is no clusters/ directory in \(directory.path)")
        #expect(report.hint?.contains("clustersDir in lockmaster.yaml") == true)
    }

    @Test func clustersWithoutFluxObjectsExplains() throws {
        let directory = try TemporaryDirectory()
        try directory.write("clusters/dev/notes.yaml", "just: data\n")
        let report = try StatusReporter.report(repositoryRoot: directory.url)
        #expect(
            report.explanation
                == "no environments: nothing syncs the directories under clusters/ (clusters/dev) and none holds a Flux Kustomization"
        )
        #expect(report.hint?.contains("clustersDir in lockmaster.yaml") == true)
    }
}

@Suite struct DemoRunnerTests {
    @Test func runsOfflineAndCleansUp() async throws {
        let events = EventLog()
        let directory = try await DemoRunner().run { events.append($0) }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        let commands = events.all.compactMap { if case .command(let text) = $0 { text } else { nil } }
        #expect(commands.first?.hasPrefix("lockmaster init ") == true)
        #expect(commands.contains { $0.hasPrefix("lockmaster status") })
        let output = events.all.compactMap { if case .output(let text) = $0 { text } else { nil } }.joined()
        #expect(output.contains("production   pinned"))
        #expect(commands.contains { $0.hasPrefix("lockmaster sandbox create OPS-123-add-keda") })
        #expect(output.contains("[sync-file-changed]"))
        #expect(output.contains("check passed"))
        #expect(output.contains("published ") && output.contains("already published as 0.1.1"))
        #expect(output.contains("promoted production: 0.1.0 → 0.1.1"))
        #expect(output.contains("rolled back production: 0.1.1 → 0.1.0"))
        #expect(output.contains("tag 0.1.0 → 0.1.1"))
        #expect(output.contains("+ added       HelmRelease keda/keda 2.14.0"))
        #expect(output.contains("delete (wave 1) HelmRelease/keda/keda"))
        #expect(output.contains("^ upgraded    HelmRelease keda/keda 2.14.0 → 2.14.1 (patch)"))
    }

    @Test func keepLeavesTheRepository() async throws {
        let directory = try await DemoRunner(keep: true).run { _ in }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("lockmaster.yaml").path))
        try FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }
}

/// Collects demo events from a `@Sendable` callback; guarded by `lock`.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [DemoEvent] = []
    func append(_ event: DemoEvent) { lock.withLock { events.append(event) } }
    var all: [DemoEvent] { lock.withLock { events } }

    /// A gotk-sync.yaml that declares nothing (the Flux examples' "generated by flux bootstrap" comment)
    /// is a placeholder, not a missing file.
    @Test func aPlaceholderSyncFileIsNamedSo() throws {
        let directory = try TemporaryDirectory()
        try directory.write([
            "clusters/staging/flux-system/gotk-sync.yaml":
                "# This file will be generated automatically by flux bootstrap.\n",
            "clusters/staging/apps.yaml":
                "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}}\n",
            "clusters/production/apps.yaml":
                "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}}\n",
        ])
        let report = try StatusReporter.report(repositoryRoot: directory.url)
        #expect(report.environments.map(\.syncFile) == ["placeholder", "missing"])
        let text = StatusTextFormatter.format(report)
        #expect(
            text.contains(
                "entry: not bootstrapped (clusters/staging/flux-system/gotk-sync.yaml is a placeholder that flux bootstrap replaces)"
            ))
        #expect(text.contains("entry: not bootstrapped (no clusters/production/flux-system/gotk-sync.yaml)"))
    }
}
