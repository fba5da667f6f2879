import Foundation
import LockmasterKit
import Manifests
import Platform
import TestSupport
import Testing

@Suite struct RepositoryInitializerTests {
    let initializer = RepositoryInitializer(git: TestGit.client)
    let artifact = "oci://registry.example.com/acme/platform"

    @Test func scaffoldsTheLayoutWithCurrentAPIs() async throws {
        let directory = try TemporaryDirectory()
        let target = directory.url.appendingPathComponent("platform")
        let result = try await initializer.run(
            InitRequest(directory: target, gitURL: "https://example.com/p.git", artifact: artifact))
        #expect(result.initializedGit)
        #expect(
            result.created == [
                "lockmaster.yaml", "lockmaster.schema.json", "clusters/development/platform.yaml",
                "clusters/staging/platform.yaml",
                "clusters/production/platform.yaml", "platform/services/.gitkeep", "platform/configs/.gitkeep",
                "platform/service-configs/.gitkeep",
            ])
        let development = try String(
            contentsOf: target.appendingPathComponent("clusters/development/platform.yaml"), encoding: .utf8)
        #expect(development.contains("apiVersion: source.toolkit.fluxcd.io/v1\n"))
        #expect(development.contains("apiVersion: kustomize.toolkit.fluxcd.io/v1\n"))
        let repository = try PlatformRepository.load(root: target)
        #expect(repository.diagnostics.isEmpty)
        #expect(repository.environments.map(\.classification.kind) == [.tracksBranch, .tracksRange, .pinned])
        #expect(repository.environments.map(\.classification.ref) == ["main", "~0.1.0", "0.1.0"])
        #expect(repository.settings.artifact == artifact)
        #expect(
            repository.environments[0].platformKustomizations.map(\.normalizedPath) == [
                "platform/configs", "platform/services", "platform/service-configs",
            ])
    }

    @Test func rerunningChangesNothing() async throws {
        let directory = try TemporaryDirectory()
        let request = InitRequest(directory: directory.url, gitURL: "https://example.com/p.git", artifact: artifact)
        _ = try await initializer.run(request)
        let before = try snapshot(directory.url)
        let bare = try await initializer.run(InitRequest(directory: directory.url))
        #expect(bare.alreadyInitialized)
        let same = try await initializer.run(request)
        #expect(same.alreadyInitialized)
        #expect(InitTextFormatter.format(same) == "\(directory.url.path) is already initialised; nothing changed\n")
        #expect(try snapshot(directory.url) == before)
    }

    @Test func conflictingFilesAreNamedAndNothingIsWritten() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("clusters/staging/platform.yaml", "# mine\n")
        try directory.write("notes.txt", "keep me\n")
        let before = try snapshot(directory.url)
        await #expect(
            throws: InitError.conflicts(directory: directory.url.path, paths: ["clusters/staging/platform.yaml"])
        ) {
            try await initializer.run(
                InitRequest(directory: directory.url, gitURL: "https://example.com/p.git", artifact: artifact))
        }
        #expect(try snapshot(directory.url) == before)
    }

    @Test func missingOrInvalidURLsAreUsageErrors() async throws {
        let directory = try TemporaryDirectory()
        await #expect(throws: InitError.missingGitURL) {
            try await initializer.run(InitRequest(directory: directory.url, artifact: artifact))
        }
        await #expect(throws: InitError.missingArtifact) {
            try await initializer.run(InitRequest(directory: directory.url, gitURL: "https://example.com/p.git"))
        }
        await #expect(throws: InitError.missingArtifactURL("./artifacts")) {
            try await initializer.run(InitRequest(directory: directory.url, gitURL: "u", artifact: "./artifacts"))
        }
        await #expect(throws: InitError.invalidArtifactURL("oci://ghcr.io/acme/platform:1.0.0")) {
            try await initializer.run(
                InitRequest(directory: directory.url, gitURL: "u", artifact: "oci://ghcr.io/acme/platform:1.0.0"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func localArtifactDirectoryWithAPullURL() async throws {
        let directory = try TemporaryDirectory()
        _ = try await initializer.run(
            InitRequest(directory: directory.url, gitURL: "u", artifact: "./artifacts", artifactURL: artifact))
        #expect(try directory.read("lockmaster.yaml").contains("artifact: ./artifacts\n"))
        #expect(try directory.read("clusters/staging/platform.yaml").contains("url: \(artifact)\n"))
    }

    @Test func gitURLDefaultsToOrigin() async throws {
        let directory = try TemporaryDirectory()
        try await TestGit.run(["init", "--quiet", "--initial-branch=main"], in: directory.url)
        try await TestGit.run(["remote", "add", "origin", "ssh://git@example.com/acme/platform"], in: directory.url)
        let result = try await initializer.run(InitRequest(directory: directory.url, artifact: artifact))
        #expect(!result.initializedGit)
        #expect(
            try directory.read("clusters/development/platform.yaml").contains(
                "url: ssh://git@example.com/acme/platform\n"))
    }

    /// Every file under `url` (except .git) with its content.
    func snapshot(_ url: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: url.path)
        while let path = enumerator?.nextObject() as? String {
            if path == ".git" {
                enumerator?.skipDescendants()
                continue
            }
            var isDirectory: ObjCBool = false
            let full = url.appendingPathComponent(path).path
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            files[path] = isDirectory.boolValue ? Data("<dir>".utf8) : try Data(contentsOf: URL(fileURLWithPath: full))
        }
        return files
    }
}
