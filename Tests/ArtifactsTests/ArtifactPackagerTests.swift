import Artifacts
import Foundation
import Support
import TestSupport
import Testing

@Suite struct ArtifactPackagerTests {
    /// A repository with platform files, and files outside the platform that must stay out.
    func repository() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write([
            "platform/services/keda.yaml": "kind: HelmRelease\n",
            "platform/services/podinfo.yaml": "kind: HelmRelease\n",
            "platform/configs/.gitkeep": "",
            "platform/service-configs/scaled-object.yaml": "kind: ScaledObject\n",
            "platform/scripts/check.sh": "#!/bin/sh\necho ok\n",
            "platform-notes.md": "not platform\n",
            "clusters/production/platform.yaml": "kind: OCIRepository\n",
            "README.md": "readme\n",
        ])
        chmod(directory.url.appendingPathComponent("platform/scripts/check.sh").path, 0o755)
        return directory
    }

    struct Member: Decodable, Equatable {
        var name: String, type: String, mode: Int, uid: Int, gid: Int, uname: String, gname: String, mtime: Int,
            size: Int
    }

    /// Reads the archive with Python's tarfile, an independent reader.
    func members(_ archive: URL) async throws -> [Member] {
        let script = """
            import json, sys, tarfile
            with tarfile.open(sys.argv[1], "r:gz") as t:
                print(json.dumps([dict(name=m.name, type=m.type.decode(), mode=m.mode, uid=m.uid, gid=m.gid, uname=m.uname,
                                       gname=m.gname, mtime=int(m.mtime), size=m.size) for m in t.getmembers()]))
            """
        let output = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("python3", ["-c", script, archive.path]))
        return try JSONDecoder().decode([Member].self, from: output.standardOutput)
    }

    @Test func layoutModesOwnersAndTimesAsFluxWritesThemButNormalised() async throws {
        let directory = try repository()
        let out = directory.url.appendingPathComponent("out.tgz")
        let result = try ArtifactPackager(root: directory.url, platformPaths: ["platform"]).package(to: out)
        let members = try await members(out)
        #expect(
            members.map(\.name) == [
                ".", "platform", "platform/configs", "platform/configs/.gitkeep", "platform/scripts",
                "platform/scripts/check.sh",
                "platform/service-configs", "platform/service-configs/scaled-object.yaml",
                "platform/services", "platform/services/keda.yaml", "platform/services/podinfo.yaml",
            ])
        #expect(members.allSatisfy { $0.uid == 0 && $0.gid == 0 && $0.uname == "" && $0.gname == "" && $0.mtime == 0 })
        #expect(members.filter { $0.type == "5" }.allSatisfy { $0.mode == 0o755 })
        #expect(members.first { $0.name == "platform/scripts/check.sh" }?.mode == 0o755)
        #expect(members.first { $0.name == "platform/services/keda.yaml" }?.mode == 0o644)
        #expect(result.files == 5 && result.directories == 6)
        let bytes = try Data(contentsOf: out)
        #expect(Array(bytes.prefix(10)) == [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF])
        #expect(UInt64(bytes.count) == result.size)
        let sha = try await SystemProcessRunner().checkedRun(ProcessInvocation("sha256sum", [out.path])).stdout
        #expect("sha256:" + sha.prefix(64) == result.digest)
    }

    @Test func digestDependsOnContentOnly() async throws {
        let first = try repository()
        let second = try repository()
        // Different permissions (as other umasks give), times and checkout paths.
        for (path, mode) in [("platform/services/keda.yaml", 0o664), ("platform/services", 0o775), ("platform", 0o700)]
        {
            chmod(second.url.appendingPathComponent(path).path, mode_t(mode))
        }
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "touch", ["-d", "2001-02-03", second.url.appendingPathComponent("platform/services/podinfo.yaml").path])
        )
        let a = try ArtifactPackager(root: first.url, platformPaths: ["platform"]).package(into: DiscardingSink())
        let b = try ArtifactPackager(root: second.url, platformPaths: ["platform"]).package(into: DiscardingSink())
        #expect(a == b)
        try second.write("platform/services/keda.yaml", "kind: HelmRelease # changed\n")
        let c = try ArtifactPackager(root: second.url, platformPaths: ["platform"]).package(into: DiscardingSink())
        #expect(c.digest != a.digest)
    }

    @Test func sourceignoreAndConfiguredPatternsApply() async throws {
        let directory = try repository()
        try directory.write(".sourceignore", "*.md\n")
        try directory.write("platform/README.md", "docs\n")
        try directory.write("platform/services/.sourceignore", "# test values are not manifests\ntest-*.yaml\n")
        try directory.write("platform/services/test-values.yaml", "a: 1\n")
        try directory.write("platform/other/test-values.yaml", "a: 1\n")
        try directory.write("platform/secret/drop.yaml", "x\n")
        try directory.write("platform/secret/keep.yaml", "x\n")
        let out = directory.url.appendingPathComponent("out.tgz")
        _ = try ArtifactPackager(
            root: directory.url, platformPaths: ["platform"],
            ignorePatterns: ["platform/secret/", "!platform/secret/keep.yaml", "*.sh"]
        ).package(to: out)
        let names = try await members(out).map(\.name)
        #expect(!names.contains("platform/README.md"))
        #expect(names.contains("platform/services/.sourceignore"))
        #expect(!names.contains("platform/services/test-values.yaml"))
        #expect(names.contains("platform/other/test-values.yaml"))
        #expect(!names.contains("platform/scripts/check.sh"))
        // Flux tests each entry on its own: the re-included file comes without its directory entry.
        #expect(names.contains("platform/secret/keep.yaml"))
        #expect(!names.contains("platform/secret"))
        #expect(!names.contains("platform/secret/drop.yaml"))
    }

    @Test func symlinksAreRefusedOrFollowedInsideTheRepositoryOnly() throws {
        let directory = try repository()
        try FileManager.default.createSymbolicLink(
            atPath: directory.url.appendingPathComponent("platform/services/link.yaml").path,
            withDestinationPath: "keda.yaml")
        try FileManager.default.createSymbolicLink(
            atPath: directory.url.appendingPathComponent("platform/shared").path,
            withDestinationPath: "../clusters")
        #expect(throws: PackageError.symlinks(["platform/services/link.yaml", "platform/shared"])) {
            try ArtifactPackager(root: directory.url, platformPaths: ["platform"]).package(into: DiscardingSink())
        }
        let followed = try ArtifactPackager(root: directory.url, platformPaths: ["platform"], followSymlinks: true)
            .package(into: DiscardingSink())
        #expect(followed.files == 7)
        let outside = try TemporaryDirectory()
        try outside.write("secret.yaml", "x\n")
        try FileManager.default.createSymbolicLink(
            atPath: directory.url.appendingPathComponent("platform/escape.yaml").path,
            withDestinationPath: outside.url.appendingPathComponent("secret.yaml").path)
        #expect {
            try ArtifactPackager(root: directory.url, platformPaths: ["platform"], followSymlinks: true).package(
                into: DiscardingSink())
        } throws: {
            "\($0)".hasPrefix("platform/escape.yaml points outside the repository")
        }
    }

    @Test func emptyPlatformIsAnError() throws {
        let directory = try TemporaryDirectory()
        try directory.write("platform/services/.sourceignore", "*\n")
        try directory.write("README.md", "x\n")
        #expect(throws: PackageError.empty(paths: ["platform"])) {
            try ArtifactPackager(root: directory.url, platformPaths: ["platform"]).package(into: DiscardingSink())
        }
    }

    @Test func gnuTarExtractsExactlyThePlatformFilesWithLongAndNonASCIINames() async throws {
        let directory = try repository()
        let long = "platform/" + String(repeating: "deep/", count: 30) + "values.yaml"
        try directory.write(long, "long\n")
        try directory.write("platform/services/grüße.yaml", "umlaut\n")
        let out = directory.url.appendingPathComponent("out.tgz")
        _ = try ArtifactPackager(root: directory.url, platformPaths: ["platform"]).package(to: out)
        let extracted = try TemporaryDirectory()
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("tar", ["-xzf", out.path, "-C", extracted.path]))
        let listing = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("bash", ["-c", "cd '\(extracted.path)' && find . -type f | sort"])
        ).stdout
        #expect(
            listing.split(separator: "\n") == [
                "./platform/configs/.gitkeep", "./\(long)", "./platform/scripts/check.sh",
                "./platform/service-configs/scaled-object.yaml",
                "./platform/services/grüße.yaml", "./platform/services/keda.yaml", "./platform/services/podinfo.yaml",
            ])
        #expect(try extracted.read(long) == "long\n")
        #expect(try extracted.read("platform/services/grüße.yaml") == "umlaut\n")
    }

    @Test(arguments: [
        ("*.yaml", ["a", "b.yaml"], false, true),
        ("deploy/x", ["deploy", "x", "y"], false, true),
        ("/platform/**", ["platform"], true, true),
        ("/platform/**", ["platformx"], true, false),
        ("build/", ["build"], false, false),
        ("build/", ["build", "out.txt"], false, true),
        ("a/**/z", ["a", "b", "c", "z"], false, true),
        ("[a-c]?.yml", ["bx.yml"], false, true),
        ("[!a]x", ["bx"], false, false),
    ])
    func gitignoreSemantics(pattern: String, path: [String], isDirectory: Bool, excluded: Bool) {
        #expect(IgnoreMatcher([IgnorePattern(pattern)]).isExcluded(path, isDirectory: isDirectory) == excluded)
    }

    /// Deflate runs on every core in fixed 128 KiB blocks: the same bytes for any number of workers, and
    /// GNU gzip, GNU tar and Python's tarfile read the joined stream whether the input ends inside a
    /// block, on a block boundary, or is empty.
    @Test(arguments: [0, 1, 128 << 10, 3 * (128 << 10) - 1024, 700_000])
    func parallelDeflateIsTheSameForAnyCoreCount(payload: Int) async throws {
        let directory = try TemporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        // Half text that compresses, half bytes that do not: both kinds of deflate block.
        var bytes = [UInt8](repeating: 0, count: payload)
        for index in bytes.indices {
            bytes[index] = index % 2 == 0 ? UInt8(65 + index % 23) : UInt8.random(in: 0...255, using: &generator)
        }
        try directory.write("platform/a.yaml", "kind: ConfigMap\n")
        try Data(bytes).write(to: directory.url.appendingPathComponent("platform/payload.bin"))
        var outputs: [Data] = []
        for workers in [1, 2, 5] {
            var packager = ArtifactPackager(root: directory.url, platformPaths: ["platform"])
            packager.workers = workers
            let out = directory.url.appendingPathComponent("out-\(workers).tgz")
            _ = try packager.package(to: out)
            outputs.append(try Data(contentsOf: out))
        }
        #expect(outputs[1] == outputs[0] && outputs[2] == outputs[0])
        let archive = directory.url.appendingPathComponent("out-1.tgz")
        _ = try await SystemProcessRunner().checkedRun(ProcessInvocation("gzip", ["-t", archive.path]))
        let extracted = try TemporaryDirectory()
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("tar", ["-xzf", archive.path, "-C", extracted.path]))
        #expect(try Data(contentsOf: extracted.url.appendingPathComponent("platform/payload.bin")) == Data(bytes))
        #expect(try await members(archive).first { $0.name == "platform/payload.bin" }?.size == payload)
    }
}
