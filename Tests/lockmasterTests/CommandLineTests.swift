import Foundation
import Support
import TestSupport
import Testing

/// Runs the built `lockmaster` binary and checks stdout, stderr and the exit status.
@Suite struct CommandLineTests {
    func platformRepository(_ production: PlatformFixture.ProductionRef = .tag) async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write(PlatformFixture.files(production: production))
        try await TestGit.commitAll(in: directory.url)
        return directory
    }

    func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test(arguments: [
        (PlatformFixture.ProductionRef.tag, "pinned", "0.0.3"), (.semver, "tracks-range", ">=0.0.1 <0.1.0"),
    ])
    func statusJSONClassifiesEnvironments(production: PlatformFixture.ProductionRef, kind: String, ref: String)
        async throws
    {
        let repository = try await platformRepository(production)
        // No --repo: the work tree around the current directory.
        let output = try await LockmasterBinary.run(
            ["status", "-o", "json"], in: repository.url.appendingPathComponent("clusters/staging"))
        #expect(output.status == 0)
        #expect(output.stderr == "")
        let json = try #require(try JSONSerialization.jsonObject(with: output.standardOutput) as? [String: Any])
        let environments = try #require(json["environments"] as? [[String: Any]])
        #expect(environments.map { $0["name"] as? String } == ["development", "staging", "production"])
        #expect(environments[0]["kind"] as? String == "tracks-branch")
        #expect(environments[0]["ref"] as? String == "main")
        #expect(environments[1]["kind"] as? String == "tracks-range")
        #expect(environments[1]["ref"] as? String == "0.0.x")
        #expect(environments[2]["kind"] as? String == kind)
        #expect(environments[2]["ref"] as? String == ref)
        let kustomizations = try #require(environments[0]["kustomizations"] as? [[String: Any]])
        #expect(kustomizations.map { $0["path"] as? String } == ["./platform/services", "./platform/configs"])
        #expect(kustomizations[1]["dependsOn"] as? [String] == ["flux-system/platform-services"])
    }

    /// init takes the directory as DIR or, like every other command, as --repo DIR; not both.
    @Test func initTakesTheRepositoryAsEveryCommandDoes() async throws {
        let directory = try TemporaryDirectory()
        let made = try await LockmasterBinary.run([
            "init", "--repo", directory.path, "--git-url", "https://git.example.com/acme/platform.git", "--artifact",
            "oci://registry.example.com/acme/platform",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("lockmaster.yaml").path))
        let both = try await LockmasterBinary.run(["init", "other", "--repo", directory.path])
        #expect(both.status == 64 && both.stderr.contains("give the directory once: as DIR or as --repo DIR"))
    }

    @Test func statusWithoutClustersExplainsAndExitsZero() async throws {
        let directory = try TemporaryDirectory()
        let output = try await LockmasterBinary.run(["status", "--repo", directory.path])
        #expect(output.status == 0)
        #expect(
            lines(output.stdout) == [
                "no environments: there is no clusters/ directory in \(directory.path)",
                "hint: set clustersDir in lockmaster.yaml if your clusters live elsewhere, or run 'lockmaster init'",
            ])
    }

    @Test func statusSurvivesEveryYAMLFormAndReportsTheInvalidFile() async throws {
        let repository = try await platformRepository()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ManifestsTests/Fixtures/repo")
        try FileManager.default.copyItem(
            at: fixtures, to: repository.url.appendingPathComponent("clusters/development/extra"))
        let output = try await LockmasterBinary.run(["status", "--repo", repository.path])
        #expect(output.status == 1)
        #expect(
            lines(output.stderr) == [
                "clusters/development/extra/invalid/broken.yaml:8:1: error: invalid YAML: found unexpected end of stream while scanning a quoted scalar that starts at line 6, column 8 (fix the syntax; the rest of the repository was still read)"
            ])
        #expect(output.stdout.contains("development  tracks-branch"))
    }

    /// `--repo` names the work tree it is in: a subdirectory reads the same repository, settings and all.
    @Test func aSubdirectoryNamesItsRepository() async throws {
        let repository = try await platformRepository()
        let atRoot = try await LockmasterBinary.run(["status", "--offline", "-o", "json", "--repo", repository.path])
        let below = try await LockmasterBinary.run([
            "status", "--offline", "-o", "json", "--repo", repository.path + "/clusters",
        ])
        #expect(atRoot.status == 0 && below.status == 0, "\(below.stderr)")
        #expect(below.stdout == atRoot.stdout)
    }

    @Test func unreadableFileIsNamed() async throws {
        let repository = try await platformRepository()
        try repository.write("clusters/production/secret.yaml", "apiVersion: v1\nkind: Secret\n")
        chmod(repository.url.appendingPathComponent("clusters/production/secret.yaml").path, 0o000)
        // root reads any file, so the check runs the binary as an unprivileged user.
        let prefix = getuid() == 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        let output = try await LockmasterBinary.run(["status", "--repo", repository.path], prefix: prefix)
        #expect(output.status == 1)
        #expect(
            lines(output.stderr) == [
                "clusters/production/secret.yaml:1:1: error: cannot read file: permission denied (check the file's permissions)"
            ])
    }

    @Test func settingsTypoNamesTheKeyAndTheFix() async throws {
        let repository = try await platformRepository()
        try repository.write("lockmaster.yaml", "branch: main\nclusterDir: fleet\n")
        let output = try await LockmasterBinary.run(["status", "--repo", repository.path])
        #expect(output.status == 1)
        #expect(output.stdout == "")
        #expect(
            lines(output.stderr) == [
                "lockmaster.yaml:2:1: error: unknown key 'clusterDir' (did you mean 'clustersDir'?)"
            ])
    }

    @Test func repoThatIsNotADirectoryIsAUsageError() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("file.txt", "x")
        let output = try await LockmasterBinary.run([
            "status", "--repo", directory.url.appendingPathComponent("file.txt").path,
        ])
        #expect(output.status == 64)
        #expect(
            lines(output.stderr) == [
                "lockmaster: error: --repo \(directory.path)/file.txt is not a directory; pass the platform repository's directory"
            ])
    }

    @Test func outsideAWorkTreeWithoutRepoIsAUsageError() async throws {
        let directory = try TemporaryDirectory()
        let output = try await LockmasterBinary.run(["status"], in: directory.url)
        #expect(output.status == 64)
        #expect(
            output.stderr.contains("is not inside a git work tree; run from the platform repository or pass --repo DIR")
        )
    }

    @Test func initIntoAConflictingDirectoryWritesNothing() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("clusters/production/platform.yaml", "# hand-written\n")
        let output = try await LockmasterBinary.run([
            "init", directory.path, "--git-url", "https://example.com/p.git",
            "--artifact", "oci://registry.example.com/p",
        ])
        #expect(output.status == 1)
        #expect(
            lines(output.stderr) == [
                "lockmaster: error: \(directory.path)/clusters/production/platform.yaml already exists with other content; nothing was written (move them aside, or run init in an empty directory)"
            ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["clusters"])
        #expect(try directory.read("clusters/production/platform.yaml") == "# hand-written\n")
    }

    @Test func initThenStatusThenInitAgain() async throws {
        let directory = try TemporaryDirectory()
        let target = directory.url.appendingPathComponent("platform").path
        let first = try await LockmasterBinary.run([
            "init", target, "--git-url", "https://example.com/p.git",
            "--artifact", "oci://registry.example.com/p", "-o", "json",
        ])
        #expect(first.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: first.standardOutput) as? [String: Any])
        #expect((json["created"] as? [String])?.count == 8)
        let status = try await LockmasterBinary.run(["status", "--repo", target])
        #expect(status.status == 0)
        #expect(status.stdout.contains("production   pinned         OCIRepository/platform  tag 0.1.0"))
        let again = try await LockmasterBinary.run(["init", target])
        #expect(again.status == 0)
        #expect(again.stdout == "\(target) is already initialised; nothing changed\n")
    }

    @Test func initWithoutAnArtifactIsAUsageError() async throws {
        let directory = try TemporaryDirectory()
        let output = try await LockmasterBinary.run(["init", directory.path, "--git-url", "u"])
        #expect(output.status == 64)
        #expect(
            lines(output.stderr) == [
                "lockmaster: error: no artifact repository: pass --artifact oci://HOST/REPO (or a local OCI layout directory)"
            ])
    }

    @Test func usageErrorsExit64AndHelpTeaches() async throws {
        let unknown = try await LockmasterBinary.run(["status", "--no-such-flag"])
        #expect(unknown.status == 64)
        let badFormat = try await LockmasterBinary.run(["status", "-o", "xml"])
        #expect(badFormat.status == 64)
        // promote env, rollback and promote app share where the commit goes, and its rule.
        for command in [
            ["promote", "env", "production", "1.0.0"], ["rollback", "production"],
            ["promote", "app", "podinfo", "--from", "a", "--to", "b"],
        ] {
            let both = try await LockmasterBinary.run(command + ["--branch", "x", "--no-branch"])
            #expect(
                both.status == 64 && both.stderr.contains("--branch and --no-branch exclude each other"), "\(command)")
        }
        let help = try await LockmasterBinary.run(["status", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("tracks-range   OCIRepository spec.ref.semver"))
    }

    @Test func demoRunsOffline() async throws {
        let output = try await LockmasterBinary.run(["demo"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("$ lockmaster init "))
        #expect(output.stdout.contains("$ lockmaster status --repo "))
        #expect(output.stdout.contains("staging      tracks-range   OCIRepository/platform  semver ~0.1.0"))
    }
}
