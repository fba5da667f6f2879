import Foundation
import LockmasterKit
import Support
import TestSupport
import Testing

@Suite struct StatusReporterTests {
    @Test func reportsEveryEnvironment() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(PlatformFixture.files())
        let report = try StatusReporter.report(repositoryRoot: directory.url)
        #expect(report.explanation == nil)
        #expect(report.environments.map(\.kind) == ["tracks-branch", "tracks-range", "pinned"])
        let development = report.environments[0]
        #expect(development.source?.kind == "GitRepository")
        #expect(development.source?.apiVersion == "source.toolkit.fluxcd.io/v1beta2")
        #expect(development.source?.location.description == "clusters/development/platform.yaml:4:1")
        #expect(development.entry?.path == "./clusters/development")
        #expect(development.kustomizations.map(\.path) == ["./platform/services", "./platform/configs"])
        #expect(development.kustomizations[1].dependsOn == ["flux-system/platform-services"])
        #expect(report.environments[1].ref == "0.0.x")
        let text = StatusTextFormatter.format(report)
        #expect(text.contains("staging      tracks-range   OCIRepository/platform  semver 0.0.x  oci://registry.example.com/acme/platform"))
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
        #expect(report.explanation == "no environments: nothing syncs the directories under clusters/ (clusters/dev) and none holds a Flux Kustomization")
        #expect(report.hint?.contains("clustersDir in lockmaster.yaml") == true)
    }
}

@Suite struct DemoRunnerTests {
    @Test func runsOfflineAndCleansUp() async throws {
        let events = EventLog()
        let directory = try await DemoRunner().run { events.append($0) }
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        let commands = events.all.compactMap { if case let .command(text) = $0 { text } else { nil } }
        #expect(commands.first?.hasPrefix("lockmaster init ") == true)
        #expect(commands.contains { $0.hasPrefix("lockmaster status") })
        let output = events.all.compactMap { if case let .output(text) = $0 { text } else { nil } }.joined()
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
}
