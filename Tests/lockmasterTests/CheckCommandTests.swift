import Foundation
import Support
import TestSupport
import Testing

/// `check` and `sandbox` through the built binary: exit codes and output formats.
@Suite struct CheckCommandTests {
    func repository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        let initialised = try await LockmasterBinary.run([
            "init", directory.path, "--git-url", "https://git.example.com/p.git",
            "--artifact", "oci://registry.example.com/p",
        ])
        #expect(initialised.status == 0)
        try await TestGit.commitAll(in: directory.url)
        return directory
    }

    @Test func cleanPassesAndACopiedSyncFileFails() async throws {
        let repository = try await repository()
        let clean = try await LockmasterBinary.run(["check", "--repo", repository.path])
        #expect(clean.status == 0)
        #expect(
            clean.stdout.hasSuffix(
                "; builds confined by the kernel: Landlock ABI \(try #require(try? KernelWall.probe().get()).landlockABI) (reads only each build's own files, writes only its scratch HOME, no TCP), seccomp (no socket but AF_UNIX)\(try KernelWall.probe().get().networkNamespace ? ", a network namespace of its own" : "")\ncheck passed\n"
            ), "\(clean.stdout)")
        #expect(clean.stdout.hasPrefix("settings from lockmaster.yaml at the base (main); "), "\(clean.stdout)")
        try repository.write("clusters/production/flux-system/gotk-sync.yaml", "# from a sandbox\n")
        let failed = try await LockmasterBinary.run(["check", "--repo", repository.path])
        #expect(failed.status == 1)
        #expect(
            failed.stdout.hasPrefix(
                "clusters/production/flux-system/gotk-sync.yaml:1:1: error: clusters/production/flux-system/gotk-sync.yaml is added: merging it would point production at another branch or path [sync-file-changed]\n    fix: "
            ))
        let github = try await LockmasterBinary.run(["check", "--repo", repository.path, "-o", "github"])
        #expect(
            github.stdout.hasPrefix(
                "::error file=clusters/production/flux-system/gotk-sync.yaml,line=1,col=1,title=sync-file-changed::"))
        let json = try await LockmasterBinary.run(["check", "--repo", repository.path, "-o", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: json.standardOutput) as? [String: Any])
        #expect(report["errors"] as? Int == 1)
        #expect((report["findings"] as? [[String: Any]])?.first?["rule"] as? String == "sync-file-changed")
    }

    @Test func warningsFailOnlyWithStrict() async throws {
        let repository = try await repository()
        let path = "clusters/staging/platform.yaml"
        try repository.write(
            path, try repository.read(path).replacingOccurrences(of: "semver: \"~0.1.0\"", with: "semver: \">=0.1.0\""))
        let relaxed = try await LockmasterBinary.run(["check", "--repo", repository.path])
        #expect(relaxed.status == 0)
        #expect(relaxed.stdout.contains("warning:") && relaxed.stdout.contains("[staging-patch-range]"))
        let strict = try await LockmasterBinary.run(["check", "--repo", repository.path, "--strict"])
        #expect(strict.status == 1)
        let badVersion = try await LockmasterBinary.run([
            "check", "--repo", repository.path, "--kube-version", "latest",
        ])
        #expect(badVersion.status == 64)
        #expect(badVersion.stderr.contains("--kube-version latest is not a Kubernetes version"))
    }

    @Test func sandboxCreateAndListThroughTheBinary() async throws {
        let repository = try await repository()
        let bad = try await LockmasterBinary.run(["sandbox", "create", "keda", "--repo", repository.path])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("e.g. OPS-123-add-keda"))
        let created = try await LockmasterBinary.run([
            "sandbox", "create", "OPS-123-add-keda", "--repo", repository.path, "-o", "json",
        ])
        #expect(created.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: created.standardOutput) as? [String: Any])
        #expect(report["directory"] as? String == "clusters/sandbox-ops-123-add-keda")
        #expect((report["nextSteps"] as? [String])?.last == "git push -u origin OPS-123-add-keda")
        let list = try await LockmasterBinary.run(["sandbox", "list", "--repo", repository.path, "-o", "json"])
        let sandboxes = try #require(try JSONSerialization.jsonObject(with: list.standardOutput) as? [[String: Any]])
        #expect(sandboxes.map { $0["branch"] as? String } == ["OPS-123-add-keda"])
        let local = try await LockmasterBinary.run(
            ["check", "--repo", repository.path], environment: ["GITHUB_BASE_REF": ""])
        #expect(local.status == 0)
        #expect(local.stdout.contains("note: clusters/sandbox-ops-123-add-keda belongs to this sandbox branch"))
        let check = try await LockmasterBinary.run(["check", "--repo", repository.path, "--target", "main"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("[sandbox-in-main]"))
    }
}

/// `settings-changed`: check reads lockmaster.yaml and trusted keys from the base, and a change to them
/// is an error that only the base's own settings can silence.
@Suite struct SettingsFromTheBaseTests {
    func repository() async throws -> TemporaryDirectory {
        let (_, repository) = try await LockmasterBinary.scaffold()
        #expect(try await LockmasterBinary.run(["keygen", "--output", repository.path + "/keys/platform"]).status == 0)
        let settings = try repository.read("lockmaster.yaml")
        try repository.write(
            "lockmaster.yaml", settings + "signing:\n  trustedKeys: [keys/platform.pub]\n  require: [production]\n")
        try await TestGit.commitAll(in: repository.url, message: "trust")
        try await TestGit.run(["switch", "-q", "-c", "change"], in: repository.url)
        return repository
    }

    @Test func aChangeToTheSettingsOrATrustRootIsAnError() async throws {
        let repository = try await repository()
        // The branch turns the guard's inputs elsewhere and lifts the signing requirement.
        let settings = try repository.read("lockmaster.yaml")
        try repository.write(
            "lockmaster.yaml",
            settings.replacingOccurrences(of: "  require: [production]\n", with: "")
                + "# lockmaster:ignore=settings-changed\nartifactSizeLimitMiB: 4096\n")
        try repository.write("keys/platform.pub", "-----BEGIN PUBLIC KEY-----\nattacker\n-----END PUBLIC KEY-----\n")
        try repository.write("clusters/production/flux-system/gotk-sync.yaml", "# from a sandbox\n")
        try await TestGit.commitAll(in: repository.url, message: "quietly")
        let check = try await LockmasterBinary.run(["check", "--base", "main", "--repo", repository.path])
        #expect(check.status == 1)
        #expect(
            check.stdout.contains("lockmaster.yaml is changed by this change: check and diff read it from the base"),
            "\(check.stdout)")
        #expect(
            check.stdout.contains("-   require: [production]") && check.stdout.contains("+ artifactSizeLimitMiB: 4096"),
            "\(check.stdout)")
        #expect(
            check.stdout.contains(
                "keys/platform.pub:1:1: error: trusted key keys/platform.pub is replaced by this change"),
            "\(check.stdout)")
        // The rules still ran with the base's settings: the sync file is caught as before.
        #expect(check.stdout.contains("[sync-file-changed]"), "\(check.stdout)")
        let json = try await LockmasterBinary.run(["check", "--base", "main", "-o", "json", "--repo", repository.path])
        let report = try #require(try JSONSerialization.jsonObject(with: json.standardOutput) as? [String: Any])
        #expect((report["silenced"] as? [Any])?.isEmpty == true)
        #expect((report["settings"] as? String)?.hasPrefix("lockmaster.yaml at the base (main)") == true)
    }

    @Test func onlyTheBaseCanSilenceIt() async throws {
        let repository = try await repository()
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        try repository.write(
            "lockmaster.yaml",
            try repository.read("lockmaster.yaml")
                + "# lockmaster:ignore=settings-changed (settings are reviewed by CODEOWNERS)\n")
        try await TestGit.commitAll(in: repository.url, message: "base silences")
        try await TestGit.run(["switch", "-q", "-C", "change"], in: repository.url)
        try repository.write("lockmaster.yaml", try repository.read("lockmaster.yaml") + "pinDigest: true\n")
        try await TestGit.commitAll(in: repository.url, message: "a reviewed change")
        let check = try await LockmasterBinary.run(["check", "--base", "main", "--repo", repository.path])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("silenced: lockmaster.yaml is changed by this change"), "\(check.stdout)")
    }

    /// A change that names itself, or another branch it controls, as the branch of record is still
    /// compared with main: the branch of record comes from what the change cannot edit.
    @Test(arguments: ["change", "helper"]) func theChangeCannotPickItsBase(_ named: String) async throws {
        let repository = try await repository()
        try await TestGit.run(["branch", "helper"], in: repository.url)
        try repository.write("lockmaster.yaml", try repository.read("lockmaster.yaml") + "branch: \(named)\n")
        try repository.write("clusters/production/flux-system/gotk-sync.yaml", "# from a sandbox\n")
        try await TestGit.commitAll(in: repository.url, message: "compare me with myself")
        try await TestGit.run(["branch", "-f", "helper", "HEAD"], in: repository.url)
        let check = try await LockmasterBinary.run(["check", "-o", "json", "--repo", repository.path])
        #expect(check.status == 1, "\(check.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: check.standardOutput) as? [String: Any])
        #expect(report["baseRef"] as? String == "main", "\(report)")
        let diff = try await LockmasterBinary.run(["diff", "--repo", repository.path])
        #expect(diff.stdout.contains("settings from lockmaster.yaml at the base"), "\(diff.stdout)")
    }

    /// `branch: HEAD` in the change's settings would compare it with itself: never a branch of record.
    @Test func headIsNeverTheBranchOfRecord() async throws {
        let repository = try await repository()
        try repository.write(
            "lockmaster.yaml", try repository.read("lockmaster.yaml") + "branch: HEAD\nclustersDir: fake\n")
        try repository.write("clusters/production/flux-system/gotk-sync.yaml", "# from a sandbox\n")
        try await TestGit.commitAll(in: repository.url, message: "look away")
        let check = try await LockmasterBinary.run(["check", "--repo", repository.path])
        #expect(check.status == 1)
        #expect(
            check.stdout.contains("[sync-file-changed]") && check.stdout.contains("[settings-changed]"),
            "\(check.stdout)\(check.stderr)")
    }
}
