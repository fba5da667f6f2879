import Foundation
import GitKit
import LockmasterKit
import Support
import TestSupport
import Testing

@Suite struct SandboxTests {
    let name = "OPS-123-add-keda"
    let directory = "clusters/sandbox-ops-123-add-keda"

    func repository(settings: String? = nil) async throws -> TemporaryDirectory {
        let repository = try TemporaryDirectory()
        try repository.write(PlatformFixture.files())
        if let settings { try repository.write("lockmaster.yaml", settings) }
        try await TestGit.commitAll(in: repository.url)
        return repository
    }

    func creator() -> SandboxCreator { SandboxCreator(git: TestGit.client) }

    /// Branches, status and every file (but .git): what a refusal must leave unchanged.
    func snapshot(_ repository: TemporaryDirectory) async throws -> String {
        let branches = try await TestGit.run(
            ["branch", "--list", "--format=%(refname) %(objectname)"], in: repository.url)
        let status = try await TestGit.run(["status", "--porcelain", "--untracked-files=all"], in: repository.url)
        let files = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "bash",
                [
                    "-c",
                    "cd '\(repository.path)' && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum",
                ])
        ).stdout
        let head = try await TestGit.run(["symbolic-ref", "HEAD"], in: repository.url)
        return branches + status + files + head
    }

    @Test func createCopiesDevelopmentWithoutTheSyncFileAndPointsAtTheBranch() async throws {
        let repository = try await repository()
        let report = try await creator().run(SandboxCreateRequest(repository: repository.url, name: name))
        #expect(report.directory == directory)
        #expect(report.commit != nil)
        let stat = try await TestGit.run(["diff", "--name-only", "main", name], in: repository.url)
        #expect(
            stat.split(separator: "\n").sorted() == [
                "\(directory)/apps/podinfo.yaml", "\(directory)/flux-system/gotk-components.yaml",
                "\(directory)/flux-system/kustomization.yaml", "\(directory)/lease.lockmaster",
                "\(directory)/platform.yaml",
            ])
        #expect(
            !FileManager.default.fileExists(
                atPath: repository.url.appendingPathComponent("\(directory)/flux-system/gotk-sync.yaml").path))
        let development = try repository.read("clusters/development/platform.yaml")
        #expect(
            try repository.read("\(directory)/platform.yaml")
                == development.replacingOccurrences(
                    of: "    branch: main # development tracks", with: "    branch: \(name) # development tracks"))
        #expect(
            try repository.read("\(directory)/apps/podinfo.yaml")
                == repository.read("clusters/development/apps/podinfo.yaml"))
        #expect(try await TestGit.run(["diff", "main", "--", "clusters/development"], in: repository.url) == "")
        #expect(try await TestGit.run(["rev-parse", "--abbrev-ref", "HEAD"], in: repository.url) == "\(name)\n")
        #expect(
            report.nextSteps.contains(
                "flux bootstrap git --url=ssh://git@example.com/acme/platform --branch=\(name) --path=\(directory)"))
        #expect(
            report.nextSteps.contains {
                $0.hasPrefix("kubectl create secret generic flux-system --namespace flux-system --from-file=identity=")
            })
        #expect(report.nextSteps.last == "git push -u origin \(name)")
    }

    @Test func refusalsChangeNothing() async throws {
        let repository = try await repository()
        try await TestGit.run(["branch", "OPS-9-taken"], in: repository.url)
        let before = try await snapshot(repository)
        let cases: [(SandboxCreateRequest, (any Error) -> Bool)] = [
            (
                SandboxCreateRequest(repository: repository.url, name: "add keda"),
                { ($0 as? SandboxError).map { if case .invalidName = $0 { true } else { false } } ?? false }
            ),
            (
                SandboxCreateRequest(repository: repository.url, name: "OPS-9-taken"),
                { $0 as? SandboxError == .branchExists("OPS-9-taken") }
            ),
            (
                SandboxCreateRequest(repository: repository.url, name: name, from: "nowhere"),
                { "\($0)".hasPrefix("no environment 'nowhere'; environments:") }
            ),
            (
                SandboxCreateRequest(repository: repository.url, name: name, from: "staging"),
                { "\($0)".hasPrefix("staging is tracks-range, not an environment that tracks a branch") }
            ),
            (
                SandboxCreateRequest(repository: repository.url, name: name, base: "no-such-base"),
                { $0 as? SandboxError == .unknownBase("no-such-base") }
            ),
        ]
        for (request, matches) in cases {
            await #expect { try await creator().run(request) } throws: { matches($0) }
            #expect(try await snapshot(repository) == before)
        }
        // An existing sandbox directory on the base.
        try repository.write("\(directory)/keep.yaml", "a: 1\n")
        try await TestGit.commitAll(in: repository.url, message: "old sandbox")
        let withDirectory = try await snapshot(repository)
        await #expect(throws: SandboxError.directoryExists(directory)) {
            try await creator().run(SandboxCreateRequest(repository: repository.url, name: name))
        }
        #expect(try await snapshot(repository) == withDirectory)
        // A dirty work tree.
        try repository.write("notes.txt", "wip\n")
        let dirty = try await snapshot(repository)
        await #expect {
            try await creator().run(SandboxCreateRequest(repository: repository.url, name: "OPS-1-other"))
        } throws: { "\($0)".contains("uncommitted changes") }
        #expect(try await snapshot(repository) == dirty)
    }

    /// The platform source is the one flux bootstrap writes: the copy leaves the sync file out, and the
    /// bootstrap the next steps give (`--branch=NAME --path=<copy>`) writes it following the branch.
    @Test func aSourceInTheSyncFileIsWrittenByTheSandboxsBootstrap() async throws {
        let repository = try await repository()
        try repository.write(
            "clusters/development/platform.yaml",
            """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform-services, namespace: flux-system}
            spec: {path: ./platform/services, sourceRef: {kind: GitRepository, name: flux-system}}
            """)
        try await TestGit.commitAll(in: repository.url, message: "use flux-system")
        let report = try await creator().run(SandboxCreateRequest(repository: repository.url, name: name))
        #expect(
            !FileManager.default.fileExists(
                atPath: repository.url.appendingPathComponent("\(report.directory)/flux-system/gotk-sync.yaml").path))
        #expect(
            report.nextSteps.contains {
                $0.hasPrefix("flux bootstrap git") && $0.contains("--branch=\(name) --path=\(report.directory)")
            }, "\(report.nextSteps)")
    }

    /// The flux-instance chart syncs the environment: inside its directory, the copy's values are pointed
    /// at the branch and the copy; among the shared apps, the sandbox is refused, naming where it is.
    @Test func aFluxInstanceChartIsRetargetedOrTheRefusalSaysWhereItIs() async throws {
        let outside = try TemporaryDirectory()
        var files = RealEstateGuardTests.homeOps
        files["lockmaster.yaml"]! += "sandbox: {from: cluster}\n"
        try outside.write(files)
        try await TestGit.commitAll(in: outside.url)
        let before = try await snapshot(outside)
        await #expect {
            try await creator().run(SandboxCreateRequest(repository: outside.url, name: name))
        } throws: {
            "\($0)".contains(
                "kubernetes/flux/cluster is synced by HelmRelease flux-system/flux-instance (flux-instance chart values) at kubernetes/apps/flux-system/flux-instance.yaml, outside the copied directory"
            )
        }
        #expect(try await snapshot(outside) == before)

        let inside = try TemporaryDirectory()
        files["kubernetes/flux/cluster/flux-instance.yaml"] = files.removeValue(
            forKey: "kubernetes/apps/flux-system/flux-instance.yaml")!.replacingOccurrences(
                of: "metadata: {name: flux-instance}", with: "metadata: {name: flux-instance, namespace: flux-system}")
        files["kubernetes/apps/flux-system/kustomization.yaml"] = files[
            "kubernetes/apps/flux-system/kustomization.yaml"]!
            .replacingOccurrences(of: "./flux-instance.yaml", with: "./repositories.yaml")
        try inside.write(files)
        try await TestGit.commitAll(in: inside.url)
        let report = try await creator().run(SandboxCreateRequest(repository: inside.url, name: name))
        let copied = try inside.read("\(report.directory)/flux-instance.yaml")
        #expect(copied.contains("ref: refs/heads/\(name), path: \(report.directory)}"), "\(copied)")

        // An instance in the copy whose sync climbs out of it (`cluster/../other`) syncs another directory:
        // refused, nothing written (the copy synced `<copy>/../other`, another environment's directory).
        let climbing = try TemporaryDirectory()
        files["kubernetes/flux/cluster/flux-instance.yaml"] = files["kubernetes/flux/cluster/flux-instance.yaml"]!
            .replacingOccurrences(of: "path: kubernetes/flux/cluster", with: "path: kubernetes/flux/cluster/../other")
        try climbing.write(files)
        try await TestGit.commitAll(in: climbing.url)
        let untouched = try await snapshot(climbing)
        await #expect {
            try await creator().run(SandboxCreateRequest(repository: climbing.url, name: name))
        } throws: {
            "\($0)".contains("syncs kubernetes/flux/other, outside kubernetes/flux/cluster")
        }
        #expect(try await snapshot(climbing) == untouched)
    }

    @Test func hooksRunWithTheirVariablesAndAFailureCanBeResumed() async throws {
        let log = try TemporaryDirectory()
        let marker = log.url.appendingPathComponent("fail-once")
        try Data().write(to: marker)
        let repository = try await repository(
            settings: """
                sandbox:
                  hooks:
                    create:
                      - echo "$LOCKMASTER_SANDBOX $LOCKMASTER_BRANCH $LOCKMASTER_PATH" >> '\(log.path)/hooks.log'
                      - if [ -e '\(marker.path)' ]; then echo "cluster quota exceeded"; exit 7; fi; echo second >> '\(log.path)/hooks.log'
                """)
        let streamed = Collected()
        await #expect {
            try await creator().run(
                SandboxCreateRequest(repository: repository.url, name: name, hookOutput: { streamed.append($0) }))
        } throws: { error in
            guard case .hookFailed(let index, _, let status, let lines, _, _) = error as? SandboxError else {
                return false
            }
            return index == 1 && status == 7 && lines == ["cluster quota exceeded"]
                && "\(error)".contains("lockmaster sandbox create \(name) --resume")
        }
        #expect(String(decoding: streamed.data, as: UTF8.self).contains("cluster quota exceeded"))
        #expect(try log.read("hooks.log") == "sandbox-ops-123-add-keda \(name) \(directory)\n")
        #expect(
            try await TestGit.run(["log", "-1", "--format=%s"], in: repository.url)
                == "Create sandbox \(name) from development at main\n")
        try FileManager.default.removeItem(at: marker)
        _ = try await creator().run(SandboxCreateRequest(repository: repository.url, name: name, resume: true))
        #expect(try log.read("hooks.log") == "sandbox-ops-123-add-keda \(name) \(directory)\nsecond\n")
    }

    @Test func listFindsSandboxesOnLocalAndRemoteBranches() async throws {
        let origin = try await repository()
        _ = try await creator().run(SandboxCreateRequest(repository: origin.url, name: name))
        try await TestGit.run(["switch", "--quiet", "main"], in: origin.url)
        let clone = try TemporaryDirectory()
        _ = try await SystemProcessRunner().checkedRun(
            ProcessInvocation("git", ["clone", "--quiet", origin.path, clone.path], environment: TestGit.environment))
        let local = try await SandboxLister(git: TestGit.client).run(repository: origin.url)
        #expect(local.map(\.branch) == [name])
        #expect(local.first?.directory == directory)
        #expect(local.first?.ahead == 1 && local.first?.behind == 0 && local.first?.merged == false)
        let remote = try await SandboxLister(git: TestGit.client).run(repository: clone.url)
        #expect(remote.map(\.branch) == ["origin/\(name)"])
        try await TestGit.run(["merge", "--quiet", "--no-edit", name], in: origin.url)
        #expect(try await SandboxLister(git: TestGit.client).run(repository: origin.url).first?.merged == true)
    }
}

/// Bytes streamed from a hook; guarded by `lock`.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var _data = Data()
    func append(_ chunk: Data) { lock.withLock { _data.append(chunk) } }
    var data: Data { lock.withLock { _data } }
}
