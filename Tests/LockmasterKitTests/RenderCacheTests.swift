import Foundation
import LockmasterKit
import Manifests
import Support
import TestSupport
import Testing

/// Builds kept between runs: reused when nothing they read changed, never when the programs that
/// build changed, bounded, and whole under concurrent runs.
@Suite struct RenderCacheTests {
    func estate() async throws -> TemporaryDirectory {
        let repository = try TemporaryDirectory()
        try FastDiffTests.estate(repository)
        try await TestGit.commitAll(in: repository.url)
        return repository
    }

    func text(_ report: RenderReport) -> String {
        report.objects.map { "\($0.kustomization) \($0.source ?? "-")\n\($0.node.yamlText())" }.joined(
            separator: "---\n")
    }

    @Test func aSecondRenderBuildsNothingAndRendersTheSame() async throws {
        let repository = try await estate()
        let counting = try CountingKubectl()
        let cacheHome = try TemporaryDirectory()
        let kubectl = counting.path
        let cache = RenderCacheDirectory(url: cacheHome.url.appendingPathComponent("builds"), kubectl: kubectl)
        // The counting wrapper is a shell script, which the kernel wall would not let run: these builds are unconfined.
        let request = RenderRequest(
            repository: repository.url, environment: "development", offline: true, unconfined: true)
        let first = try await PlatformRenderer(kubectl: kubectl, cacheDirectory: cache).run(request)
        let built = counting.runs
        #expect(built > 0)
        let second = try await PlatformRenderer(kubectl: kubectl, cacheDirectory: cache).run(request)
        #expect(counting.runs == built, "the second render ran kubectl")
        let uncached = try await PlatformRenderer(kubectl: kubectl).run(request)
        #expect(text(second) == text(first) && text(second) == text(uncached))
        #expect(second.warnings == uncached.warnings && second.problems == uncached.problems)

        // One changed file: only what reads it is built again.
        try repository.replace("\(FastDiffTests.apps)/media/sonarr/app/helmrelease.yaml", "replicas: 1", "replicas: 3")
        let before = counting.runs
        let changed = try await PlatformRenderer(kubectl: kubectl, cacheDirectory: cache).run(request)
        #expect(counting.runs == before + 1)
        #expect(text(changed) == text(try await PlatformRenderer(kubectl: kubectl).run(request)))
    }

    @Test func anotherKubectlStartsAfresh() async throws {
        let repository = try await estate()
        let first = try CountingKubectl()
        let other = try CountingKubectl()
        let cacheHome = try TemporaryDirectory()
        let url = cacheHome.url.appendingPathComponent("builds")
        let request = RenderRequest(
            repository: repository.url, environment: "production", offline: true, unconfined: true)
        _ = try await PlatformRenderer(
            kubectl: first.path, cacheDirectory: RenderCacheDirectory(url: url, kubectl: first.path)
        ).run(request)
        _ = try await PlatformRenderer(
            kubectl: other.path, cacheDirectory: RenderCacheDirectory(url: url, kubectl: other.path)
        ).run(request)
        #expect(other.runs == first.runs && other.runs > 0)
    }

    /// Another user who can write into the cache could make a build say anything: a directory open to
    /// others is not used, and an entry with a wider mode or another owner is built again; each said once.
    @Test func onlyPrivateEntriesAreTrusted() async throws {
        let repository = try await estate()
        let counting = try CountingKubectl()
        let cacheHome = try TemporaryDirectory()
        let url = cacheHome.url.appendingPathComponent("builds")
        // The counting wrapper is a shell script, which the kernel wall would not let run: these builds are unconfined.
        let request = RenderRequest(
            repository: repository.url, environment: "production", offline: true, unconfined: true)
        _ = try await PlatformRenderer(
            kubectl: counting.path, cacheDirectory: RenderCacheDirectory(url: url, kubectl: counting.path)
        ).run(request)
        let built = counting.runs
        let entries = try FileManager.default.subpathsOfDirectory(atPath: url.path).filter { $0.count > 3 }
        #expect(!entries.isEmpty)

        // One entry readable by others: it alone is built again, and that is said once.
        chmod(url.appendingPathComponent(entries[0]).path, 0o644)
        let widened = RenderCacheDirectory(url: url, kubectl: counting.path)
        _ = try await PlatformRenderer(kubectl: counting.path, cacheDirectory: widened).run(request)
        #expect(counting.runs > built)
        #expect(
            widened.notices.messages.count == 1
                && widened.notices.messages[0].contains("has mode 644, open to other users"),
            "\(widened.notices.messages)")
        if geteuid() == 0 {
            chmod(url.appendingPathComponent(entries[0]).path, 0o600)
            chown(url.appendingPathComponent(entries[0]).path, 65534, 65534)
            let foreign = RenderCacheDirectory(url: url, kubectl: counting.path)
            _ = try await PlatformRenderer(kubectl: counting.path, cacheDirectory: foreign).run(request)
            #expect(
                foreign.notices.messages.contains { $0.contains("belongs to another user (uid 65534)") },
                "\(foreign.notices.messages)")
        }

        // The directory itself writable by others: nothing in it is read.
        chmod(url.path, 0o777)
        counting.reset()
        let open = RenderCacheDirectory(url: url, kubectl: counting.path)
        _ = try await PlatformRenderer(kubectl: counting.path, cacheDirectory: open).run(request)
        #expect(counting.runs == built)
        #expect(
            open.notices.messages == [
                "the render cache \(url.path) has mode 777, open to other users; it is not used (fix: chmod go-w, or remove it)"
            ])
    }

    @Test func theLeastRecentlyUsedGoFirst() async throws {
        let repository = try await estate()
        let cacheHome = try TemporaryDirectory()
        let url = cacheHome.url.appendingPathComponent("builds")
        let request = RenderRequest(repository: repository.url, environment: "development", offline: true)
        _ = try await PlatformRenderer(
            cacheDirectory: RenderCacheDirectory(url: url, limit: 1 << 30, kubectl: "kubectl")
        ).run(request)
        let entries = try files(under: url)
        #expect(entries.count > 5)
        // Age every entry, then use the development render again but for one: it becomes the oldest.
        let sizes = entries.map { (try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int) ?? 0 }
        let total = sizes.reduce(0, +)
        for (index, entry) in entries.enumerated() {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_000_000 + Double(index))], ofItemAtPath: entry.path)
        }
        // A limit that holds all but the oldest entry.
        let limit = total - sizes[0]
        RenderCacheDirectory(url: url, limit: limit, kubectl: "kubectl").trim()
        let left = try files(under: url)
        #expect(left.count == entries.count - 1 && !left.contains(entries[0]))
        #expect(
            left.map { (try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int) ?? 0 }.reduce(0, +)
                <= limit)
    }

    @Test func concurrentRunsShareOneDirectory() async throws {
        let repository = try await estate()
        let cacheHome = try TemporaryDirectory()
        let environment = ["XDG_CACHE_HOME": cacheHome.path]
        let expected = try await LockmasterBinary.run(
            ["render", "development", "--repo", repository.path, "--no-cache"], environment: environment)
        #expect(
            expected.status == 0
                && !FileManager.default.fileExists(atPath: cacheHome.url.appendingPathComponent("lockmaster").path),
            "--no-cache wrote a cache")
        for _ in 0..<2 {
            let outputs = try await withThrowingTaskGroup(of: ProcessOutput.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await LockmasterBinary.run(
                            ["render", "development", "--repo", repository.path], environment: environment)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for output in outputs { #expect(output.status == 0 && output.stdout == expected.stdout) }
        }
        let all = try files(under: cacheHome.url.appendingPathComponent("lockmaster/builds"))
        #expect(!all.isEmpty && !all.contains { $0.lastPathComponent.hasPrefix(".") }, "a partial entry was left")
    }

    func files(under url: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
        .sorted { $0.path < $1.path }
    }
}
