import Foundation
import Support
import TestSupport
import Testing

/// package, publish and resolve through the built binary.
@Suite(.serialized) struct PublishCommandTests {
    func repository(artifact: String) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write(PlatformFixture.files())
        try directory.write("lockmaster.yaml", "artifact: \(artifact)\n")
        try await TestGit.commitAll(in: directory.url)
        try await TestGit.run(
            ["remote", "add", "origin", "https://git.example.com/acme/platform.git"], in: directory.url)
        return directory
    }

    func json(_ output: ProcessOutput) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: output.standardOutput) as? [String: Any])
    }

    @Test func packagePrintsDigestAndSizeAndWritesWithOut() async throws {
        let repository = try await repository(artifact: "artifacts")
        let dry = try await LockmasterBinary.run(["package", "--repo", repository.path, "-o", "json"])
        #expect(dry.status == 0)
        let report = try json(dry)
        #expect(report["path"] == nil)
        let out = repository.url.appendingPathComponent("out.tgz")
        let written = try await LockmasterBinary.run(["package", "--repo", repository.path, "--out", out.path])
        #expect(written.status == 0)
        let digest = try #require(report["digest"] as? String)
        #expect(written.stdout.hasPrefix("\(digest)  \(report["size"] as? Int ?? -1) bytes  2 files"))
        #expect(
            "sha256:"
                + (try await SystemProcessRunner().checkedRun(ProcessInvocation("sha256sum", [out.path])).stdout.prefix(
                    64)) == digest)
    }

    /// --verbose shows each registry request with its status, never a query string or a credential.
    @Test func verboseShowsEveryRegistryRequest() async throws {
        let registry = try await LocalRegistry(authentication: .basic(username: "ci", password: "pa55-word"))
        let repository = try await repository(artifact: registry.url("acme/platform"))
        let output = try await LockmasterBinary.run(
            ["--verbose", "publish", "--repo", repository.path, "--username", "ci", "--password-stdin", "-o", "json"],
            standardInput: "pa55-word\n")
        #expect(output.status == 0, "\(output.stderr)")
        let requests = output.stderr.split(separator: "\n").filter { $0.hasPrefix("> ") }
        #expect(
            requests.contains { $0.hasPrefix("> PUT http://\(registry.host)/v2/acme/platform/manifests/0.0.1 → 201") },
            "\(output.stderr)")
        #expect(requests.contains { $0.hasSuffix(" → 401") }, "the first request meets the registry's challenge")
        #expect(
            !output.stderr.contains("?") && !output.stderr.contains("pa55-word")
                && !output.stderr.contains("Authorization"))
        #expect(try JSONSerialization.jsonObject(with: output.standardOutput) is [String: Any])
    }

    @Test func publishWithPasswordOnStandardInputThenResolve() async throws {
        let registry = try await LocalRegistry(authentication: .basic(username: "ci", password: "pa55-word"))
        let repository = try await repository(artifact: registry.url("acme/platform"))
        let output = try await LockmasterBinary.run(
            ["publish", "--repo", repository.path, "--username", "ci", "--password-stdin", "-o", "json"],
            standardInput: "pa55-word\n")
        #expect(output.status == 0)
        #expect(!output.stdout.contains("pa55-word") && !output.stderr.contains("pa55-word"))
        let report = try json(output)
        #expect(report["tag"] as? String == "0.0.1")
        #expect(report["repository"] as? String == "\(registry.host)/acme/platform")
        #expect(report["alreadyPublished"] as? Bool == false)
        #expect((report["bytesUploaded"] as? Int ?? 0) > 0)
        for key in ["url", "digest", "layerDigest"] { #expect(report[key] is String) }

        let resolved = try await LockmasterBinary.run(
            ["resolve", "staging", "--repo", repository.path, "-o", "json"],
            environment: ["LOCKMASTER_REGISTRY_USERNAME": "ci", "LOCKMASTER_REGISTRY_PASSWORD": "pa55-word"])
        #expect(resolved.status == 0)
        let resolution = try json(resolved)
        #expect(resolution["tag"] as? String == "0.0.1")
        #expect(resolution["digest"] as? String == report["digest"] as? String)
        #expect(resolution["revision"] as? String == "0.0.1@\(report["digest"] as? String ?? "")")

        let anonymous = try await LockmasterBinary.run(
            ["resolve", "staging", "--repo", repository.path], environment: ["HOME": repository.path])
        #expect(anonymous.status == 1)
        #expect(anonymous.stderr.contains("requires authentication"))
    }

    @Test func dockerConfigCredentialsAreUsed() async throws {
        let registry = try await LocalRegistry(
            authentication: .basic(username: "robot", password: "from-docker-config"))
        let repository = try await repository(artifact: registry.url("platform"))
        let auth = Data("robot:from-docker-config".utf8).base64EncodedString()
        try repository.write(".docker-test/config.json", #"{"auths": {"\#(registry.host)": {"auth": "\#(auth)"}}}"#)
        let output = try await LockmasterBinary.run(
            ["publish", "--repo", repository.path, "--allow-dirty"],
            environment: ["DOCKER_CONFIG": repository.url.appendingPathComponent(".docker-test").path])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("published \(registry.host)/platform:0.0.1"))
    }

    @Test func credentialHelpersAreAsked() async throws {
        let registry = try await LocalRegistry(
            authentication: .basic(username: "helper-user", password: "helper-secret"))
        let repository = try await repository(artifact: registry.url("platform"))
        let tools = try TemporaryDirectory()
        // A docker credential helper: reads the host on stdin, answers with JSON.
        try tools.write(
            "bin/docker-credential-lmtest",
            """
            #!/bin/sh
            read host
            [ "$1" = get ] && [ "$host" = "\(registry.host)" ] || exit 1
            echo '{"ServerURL":"'$host'","Username":"helper-user","Secret":"helper-secret"}'
            """)
        chmod(tools.url.appendingPathComponent("bin/docker-credential-lmtest").path, 0o755)
        try tools.write("docker/config.json", #"{"credHelpers": {"\#(registry.host)": "lmtest"}}"#)
        let path =
            tools.url.appendingPathComponent("bin").path + ":"
            + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let output = try await LockmasterBinary.run(
            ["publish", "--repo", repository.path],
            environment: ["DOCKER_CONFIG": tools.url.appendingPathComponent("docker").path, "PATH": path])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("published \(registry.host)/platform:0.0.1"))
        #expect(!output.stdout.contains("helper-secret") && !output.stderr.contains("helper-secret"))
    }

    @Test func publishUsageErrors() async throws {
        let both = try await LockmasterBinary.run(["publish", "--version", "1.0.0", "--bump", "minor"])
        #expect(both.status == 64)
        let noStdin = try await LockmasterBinary.run(["publish", "--username", "ci"])
        #expect(noStdin.status == 64)
        #expect(noStdin.stderr.contains("--username needs --password-stdin"))
        let resolveNothing = try await LockmasterBinary.run(["resolve"])
        #expect(resolveNothing.status == 64)
    }
}
