import Foundation
import Support
import TestSupport
import Testing

/// Sandbox leases through the binary, on a fixed clock: create, list, extend, the cap, check, and gc's
/// plans and teardowns against the stateful kubectl stand-in.
@Suite struct SandboxLeaseTests {
    static let monday = "2026-12-07T09:00:00Z"

    private static func json(_ output: ProcessOutput) throws -> Any {
        try JSONSerialization.jsonObject(with: output.standardOutput)
    }

    private static func sandboxes(
        _ repository: TemporaryDirectory, at now: String, extra: [String] = [], environment: [String: String] = [:]
    ) async throws -> [[String: Any]] {
        let output = try await LockmasterBinary.run(
            ["sandbox", "list", "--now", now, "-o", "json", "--repo", repository.path] + extra, environment: environment
        )
        return try #require(try json(output) as? [[String: Any]], "\(output.stderr)")
    }

    @Test func createListExtendAndCap() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        try repository.write(
            "lockmaster.yaml", try repository.read("lockmaster.yaml") + "sandbox:\n  ttl: 2d\n  max: 2\n")
        try await TestGit.commitAll(in: repository.url, message: "cap")
        let clock = ["LOCKMASTER_NOW": Self.monday]
        let first = try await LockmasterBinary.run(
            ["sandbox", "create", "OPS-1-first", "-o", "json", "--repo", repository.path], environment: clock)
        #expect(first.status == 0, "\(first.stderr)")
        let lease = try #require((try Self.json(first) as? [String: Any])?["lease"] as? [String: Any])
        // The owner is who git would author the commit as; the TTL comes from sandbox.ttl; the ticket from the name.
        #expect(lease["owner"] as? String == "author@lockmaster.invalid")
        #expect(lease["created"] as? String == Self.monday && lease["expires"] as? String == "2026-12-09T09:00:00Z")
        #expect(lease["ticket"] as? String == "OPS-1")
        #expect(
            try repository.read("clusters/sandbox-ops-1-first/lease.lockmaster").contains(
                "expires: 2026-12-09T09:00:00Z\n"))
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        #expect(
            try await LockmasterBinary.run([
                "sandbox", "create", "OPS-2-second", "--owner", "bob@example.com", "--ttl", "12h", "--now",
                "2026-12-08T09:00:00Z",
                "--repo", repository.path,
            ]).status == 0)
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)

        // Thursday: the first has expired, the second too; Tuesday morning neither.
        let thursday = try await Self.sandboxes(repository, at: "2026-12-10T09:00:00Z")
        #expect(thursday.map { $0["name"] as? String } == ["OPS-1-first", "OPS-2-second"])
        #expect(thursday.map { $0["expired"] as? Bool } == [true, true])
        #expect(
            try await Self.sandboxes(repository, at: "2026-12-08T10:00:00Z").map { $0["expired"] as? Bool } == [
                false, false,
            ])
        let table = try await LockmasterBinary.run([
            "sandbox", "list", "--now", "2026-12-10T09:00:00Z", "--color", "always", "--repo", repository.path,
        ])
        #expect(table.stdout.contains("\u{1B}[1;31mexpired 1d ago\u{1B}[0m"), "\(table.stdout)")
        #expect(table.stdout.contains("bob@example.com"))

        // The cap: a third is refused, naming the oldest, and nothing changes.
        let before =
            try await TestGit.run(["for-each-ref"], in: repository.url)
            + TestGit.run(["status", "--porcelain"], in: repository.url)
        let third = try await LockmasterBinary.run(
            ["sandbox", "create", "OPS-3-third", "--repo", repository.path], environment: clock)
        #expect(third.status == 1)
        #expect(
            third.stderr.contains(
                "2 sandboxes are open, the most sandbox.max in lockmaster.yaml allows; the oldest: OPS-1-first (since "),
            "\(third.stderr)")
        #expect(
            try await TestGit.run(["for-each-ref"], in: repository.url)
                + TestGit.run(["status", "--porcelain"], in: repository.url) == before)

        // Extend from main: a commit on the sandbox branch, and back on main.
        let extended = try await LockmasterBinary.run([
            "sandbox", "extend", "OPS-1-first", "--ttl", "3d", "--now", "2026-12-10T09:00:00Z", "--repo",
            repository.path,
        ])
        #expect(extended.status == 0, "\(extended.stderr)")
        #expect(
            extended.stdout.hasPrefix(
                "extended sandbox OPS-1-first: author@lockmaster.invalid's lease runs until 2026-12-13T09:00:00Z; committed "
            ))
        #expect(try await TestGit.run(["branch", "--show-current"], in: repository.url) == "main\n")
        #expect(
            try await TestGit.run(["log", "-1", "--format=%s", "OPS-1-first"], in: repository.url)
                == "Extend sandbox OPS-1-first's lease to 2026-12-13T09:00:00Z\n")
        #expect(
            try await Self.sandboxes(repository, at: "2026-12-10T09:00:00Z").map { $0["expired"] as? Bool } == [
                false, true,
            ])
        #expect(
            try await LockmasterBinary.run(["sandbox", "extend", "OPS-9-none", "--repo", repository.path]).status == 1)
        #expect(
            try await LockmasterBinary.run([
                "sandbox", "extend", "OPS-1-first", "--ttl", "soon", "--repo", repository.path,
            ]).stderr
                .contains("The value 'soon' is invalid for '--ttl <DURATION>': not a duration: write a number"))

        // check on the expired sandbox's branch warns, at the lease's expiry line.
        try await TestGit.run(["switch", "-q", "OPS-2-second"], in: repository.url)
        let check = try await LockmasterBinary.run(
            ["check", "--repo", repository.path], environment: ["LOCKMASTER_NOW": "2026-12-10T09:00:00Z"])
        #expect(
            check.stdout.contains(
                "clusters/sandbox-ops-2-second/lease.lockmaster:4:1: warning: sandbox OPS-2-second's lease (bob@example.com) expired 2026-12-08T21:00:00Z, 1d 12h ago [sandbox-expired]"
            ), "\(check.stdout)")
        let early = try await LockmasterBinary.run(
            ["check", "--repo", repository.path], environment: ["LOCKMASTER_NOW": "2026-12-08T10:00:00Z"])
        #expect(!early.stdout.contains("sandbox-expired"))
    }

    @Test func listAsksTheClustersThatHaveAContext() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        try repository.write(
            "lockmaster.yaml",
            try repository.read("lockmaster.yaml") + "contexts: {sandbox-ops-4-up: kind-up, OPS-5-down: kind-down}\n")
        try await TestGit.commitAll(in: repository.url, message: "contexts")
        for name in ["OPS-4-up", "OPS-5-down", "OPS-6-unknown"] {
            #expect(try await LockmasterBinary.run(["sandbox", "create", name, "--repo", repository.path]).status == 0)
            try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        }
        let kubectl = try KubectlStandIn()
        try kubectl.answer(context: "kind-up", objects: [])
        let live = try await Self.sandboxes(
            repository, at: Self.monday, extra: ["--live"], environment: ["LOCKMASTER_KUBECTL": kubectl.program])
        #expect(live.map { $0["live"] as? Bool } == [true, false, nil])

        // A broken lease on one branch is reported on its row; the others are listed as before.
        try await TestGit.run(["switch", "-q", "OPS-6-unknown"], in: repository.url)
        try repository.write(
            "clusters/sandbox-ops-6-unknown/lease.lockmaster", "owner: x@example.com\nexpires: tomorrow\n")
        try await TestGit.commitAll(in: repository.url, message: "break the lease")
        let listed = try await Self.sandboxes(repository, at: Self.monday)
        #expect(listed.map { $0["name"] as? String } == ["OPS-4-up", "OPS-5-down", "OPS-6-unknown"])
        #expect(
            (listed.last?["leaseError"] as? String)?.hasSuffix(
                "lease.lockmaster:1:1: the sandbox lease is malformed: no created") == true, "\(listed.last ?? [:])")
    }

    @Test func gcPlansTheExpiredAndMergedAndTearsThemDownInTurn() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        for (name, day) in [
            ("OPS-1-old", "2026-12-01T09:00:00Z"), ("OPS-2-merged", "2026-12-06T09:00:00Z"),
            ("OPS-3-fresh", "2026-12-06T09:00:00Z"),
        ] {
            #expect(
                try await LockmasterBinary.run([
                    "sandbox", "create", name, "--ttl", "3d", "--now", day, "--repo", repository.path,
                ]).status == 0)
            try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        }
        try await TestGit.run(["merge", "-q", "--no-ff", "--no-edit", "OPS-2-merged"], in: repository.url)

        let plan = try await LockmasterBinary.run([
            "sandbox", "gc", "--now", Self.monday, "-o", "json", "--repo", repository.path,
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        let candidates = try #require((try Self.json(plan) as? [String: Any])?["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["name"] as? String } == ["OPS-1-old", "OPS-2-merged"])
        #expect(
            candidates.map { $0["reasons"] as? [String] } == [
                ["lease expired 2026-12-04T09:00:00Z (3d ago)"], ["merged into main"],
            ])
        #expect(
            candidates.allSatisfy {
                ($0["plan"] as? [String: Any])?["steps"] != nil && $0["tornDown"] as? Bool == false
            })
        #expect(try await TestGit.run(["branch", "--show-current"], in: repository.url) == "main\n")
        let text = try await LockmasterBinary.run(["sandbox", "gc", "--now", Self.monday, "--repo", repository.path])
        #expect(
            text.stdout.hasPrefix(
                "sandbox OPS-1-old (owner author@lockmaster.invalid): lease expired 2026-12-04T09:00:00Z (3d ago)\n  teardown plan for sandbox-ops-1-old:"
            ))

        // Without a context for each, nothing is torn down.
        let noContext = try await LockmasterBinary.run([
            "sandbox", "gc", "--execute", "--now", Self.monday, "--context", "OPS-1-old=kind-old", "--repo",
            repository.path,
        ])
        #expect(noContext.status == 1)
        #expect(noContext.stderr.contains("no kube context for OPS-2-merged"))

        // The first cluster answers and is torn down; the second cannot be reached: gc stops there.
        let cluster = try ClusterStandIn()
        try cluster.add(
            context: "kind-old", kind: "Kustomization", namespace: "flux-system", name: "platform-services",
            finalizers: ["finalizers.fluxcd.io"], polls: 1)
        let executed = try await LockmasterBinary.run(
            [
                "sandbox", "gc", "--execute", "--now", Self.monday, "--context", "OPS-1-old=kind-old",
                "--context", "OPS-2-merged=kind-gone", "--poll", "0.05s", "--timeout", "20s", "--repo", repository.path,
            ],
            environment: ["LOCKMASTER_KUBECTL": cluster.program])
        #expect(executed.status == 1)
        #expect(executed.stderr.contains("kind-gone"), "\(executed.stderr)")
        #expect(cluster.log(context: "kind-old").contains("delete Kustomization/flux-system/platform-services"))
        #expect(
            try await TestGit.run(["ls-tree", "-r", "--name-only", "OPS-1-old"], in: repository.url).contains(
                "sandbox-ops-1-old") == false)
        #expect(
            try await TestGit.run(["ls-tree", "-r", "--name-only", "OPS-2-merged"], in: repository.url).contains(
                "sandbox-ops-2-merged"))
        #expect(try await TestGit.run(["branch", "--show-current"], in: repository.url) == "main\n")
    }

    /// A branch that carries a sandbox directory and an expired lease but is named like an environment,
    /// the branch of record or a protected name: gc refuses the whole run, runs nothing and deletes nothing.
    @Test(arguments: ["production", "staging", "main", "release", "Development"])
    func gcNeverCollectsWhatIsNotASandbox(_ name: String) async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        let settings = try repository.read("lockmaster.yaml")
        try repository.write(
            "lockmaster.yaml",
            settings
                + "contexts: {production: prod, staging: stage, development: dev}\nsandbox:\n  protected: [release]\n"
                + "  contextTemplate: \"kind-{directory}\"\n  hooks: {destroy: [\"touch \\\"$LOCKMASTER_PATH.destroyed\\\"\"]}\n"
        )
        try await TestGit.commitAll(in: repository.url, message: "settings")
        #expect(
            try await LockmasterBinary.run([
                "sandbox", "create", "OPS-9-template", "--ttl", "1d", "--now", "2026-12-01T09:00:00Z", "--repo",
                repository.path,
            ]).status == 0)
        // The attacker's branch: the template's directory and lease under the collision's name.
        try await TestGit.run(["switch", "-q", "-c", name == "main" ? "main-copy" : name], in: repository.url)
        try await TestGit.run(
            ["mv", "clusters/sandbox-ops-9-template", "clusters/sandbox-\(name.lowercased())"], in: repository.url)
        let source = "clusters/sandbox-\(name.lowercased())/platform.yaml"
        try repository.write(
            source,
            try repository.read(source).replacingOccurrences(of: "branch: OPS-9-template", with: "branch: \(name)"))
        try await TestGit.commitAll(in: repository.url, message: "not a sandbox")
        if name == "main" {
            // A remote branch called main, as a fork would push it.
            try await TestGit.run(["update-ref", "refs/remotes/origin/main", "HEAD"], in: repository.url)
        }
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        try await TestGit.run(["branch", "-q", "-D", "OPS-9-template"], in: repository.url)
        let cluster = try ClusterStandIn()
        for context in ["prod", "stage", "dev", "kind-sandbox-\(name.lowercased())"] {
            try cluster.add(
                context: context, kind: "Kustomization", namespace: "flux-system", name: "platform-services")
        }
        let head = try await TestGit.run(["rev-parse", "HEAD"], in: repository.url)
        for extra in [[], ["--execute"]] {
            let gc = try await LockmasterBinary.run(
                ["sandbox", "gc", "--now", Self.monday, "--repo", repository.path] + extra,
                environment: ["LOCKMASTER_KUBECTL": cluster.program])
            #expect(gc.status == 1, "\(name) \(extra): \(gc.stdout)")
            #expect(
                gc.stderr.contains("refused: branch \(name == "main" ? "origin/main" : name) is named like"),
                "\(name) \(extra): \(gc.stderr)")
            #expect(gc.stderr.contains("nothing was run and nothing was deleted"), "\(gc.stderr)")
        }
        for context in ["prod", "stage", "dev", "kind-sandbox-\(name.lowercased())"] {
            #expect(
                cluster.log(context: context).allSatisfy { !$0.hasPrefix("delete") && !$0.hasPrefix("patch") },
                "\(context): \(cluster.log(context: context))")
        }
        #expect(
            !FileManager.default.fileExists(
                atPath: repository.url.appendingPathComponent("clusters/sandbox-\(name.lowercased()).destroyed").path))
        #expect(try await TestGit.run(["rev-parse", "HEAD"], in: repository.url) == head)
    }

    /// A sandbox branch's own lockmaster.yaml names hooks and contexts: gc takes both from the branch of
    /// record, and a hook sees no registry secret.
    @Test func gcRunsOnlyTheBranchOfRecordsHooksWithoutSecrets() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        let evidence = try TemporaryDirectory()
        let settings = try repository.read("lockmaster.yaml")
        try repository.write(
            "lockmaster.yaml",
            settings
                + "sandbox:\n  contextTemplate: \"kind-{directory}\"\n"
                + "  hooks: {destroy: [\"env > \(evidence.path)/base-hook.env && bash hooks/destroy.sh\"]}\n"
        )
        try repository.write("hooks/destroy.sh", "echo base > \(evidence.path)/script\n")
        try await TestGit.commitAll(in: repository.url, message: "settings")
        try await TestGit.run(
            ["config", "remote.origin.url", "https://ci:SEKRET-TOKEN@git.example.com/acme/platform.git"],
            in: repository.url)
        #expect(
            try await LockmasterBinary.run([
                "sandbox", "create", "OPS-4-hooks", "--ttl", "1d", "--now", "2026-12-01T09:00:00Z", "--repo",
                repository.path,
            ]).status == 0)
        // The branch also names itself the branch of record, so that its own settings would be "the base".
        try repository.write(
            "lockmaster.yaml",
            settings.replacingOccurrences(of: "branch: main", with: "branch: OPS-4-hooks")
                + "contexts: {sandbox-ops-4-hooks: prod}\nsandbox:\n  hooks: {destroy: [\"touch \(evidence.path)/branch-hook\"]}\n"
        )
        // ... and changes the script the branch of record's hook runs.
        try repository.write("hooks/destroy.sh", "echo branch > \(evidence.path)/script\n")
        try await TestGit.commitAll(in: repository.url, message: "my own hooks")
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        let cluster = try ClusterStandIn()
        try cluster.add(
            context: "kind-sandbox-ops-4-hooks", kind: "Kustomization", namespace: "flux-system",
            name: "platform-services")
        try cluster.add(context: "prod", kind: "Kustomization", namespace: "flux-system", name: "platform-services")
        let gc = try await LockmasterBinary.run(
            ["sandbox", "gc", "--execute", "--now", Self.monday, "--poll", "0.05s", "--repo", repository.path],
            environment: [
                "LOCKMASTER_KUBECTL": cluster.program, "LOCKMASTER_REGISTRY_PASSWORD": "gc-secret-3141",
                "LOCKMASTER_SIGNING_PASSWORD": "gc-secret-2718",
            ])
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(
            cluster.log(context: "kind-sandbox-ops-4-hooks").contains(
                "delete Kustomization/flux-system/platform-services"))
        #expect(
            cluster.log(context: "prod").allSatisfy { !$0.hasPrefix("delete") && !$0.hasPrefix("patch") },
            "\(cluster.log(context: "prod"))")
        #expect(!FileManager.default.fileExists(atPath: evidence.url.appendingPathComponent("branch-hook").path))
        let environment = try evidence.read("base-hook.env")
        #expect(environment.contains("LOCKMASTER_SANDBOX=sandbox-ops-4-hooks"))
        #expect(!environment.contains("gc-secret-3141") && !environment.contains("gc-secret-2718"), "\(environment)")
        // The hook ran the branch of record's script, and saw the repository's URL without its token.
        #expect(try evidence.read("script") == "base\n")
        #expect(environment.contains("LOCKMASTER_REPO_URL=https://git.example.com/acme/platform.git"), "\(environment)")
        #expect(!environment.contains("SEKRET-TOKEN"))
    }

    /// Under a case-insensitive sandbox.namePattern, branches whose names differ only in case are one
    /// sandbox directory and cluster: gc tears none of them down, and says why.
    @Test func gcLeavesSandboxesThatShareACluster() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        let settings = try repository.read("lockmaster.yaml")
        try repository.write(
            "lockmaster.yaml",
            settings
                + "sandbox:\n  namePattern: \"(?i)^[a-z]+-[0-9]+(-[a-z0-9]+)+$\"\n  contextTemplate: \"kind-{directory}\"\n"
        )
        try await TestGit.commitAll(in: repository.url, message: "settings")
        for (name, ttl) in [("OPS-5-keda", "30d"), ("ops-5-keda", "1h")] {
            let create = try await LockmasterBinary.run([
                "sandbox", "create", name, "--ttl", ttl, "--now", "2026-12-01T09:00:00Z", "--repo", repository.path,
            ])
            #expect(create.status == 0, "\(create.stderr)")
            try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        }
        let cluster = try ClusterStandIn()
        try cluster.add(
            context: "kind-sandbox-ops-5-keda", kind: "Kustomization", namespace: "flux-system",
            name: "platform-services")
        let gc = try await LockmasterBinary.run(
            [
                "sandbox", "gc", "--execute", "-o", "json", "--now", Self.monday, "--poll", "0.05s", "--repo",
                repository.path,
            ],
            environment: ["LOCKMASTER_KUBECTL": cluster.program])
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(
            cluster.log(context: "kind-sandbox-ops-5-keda").allSatisfy { !$0.hasPrefix("delete") },
            "\(cluster.log(context: "kind-sandbox-ops-5-keda"))")
        #expect(gc.stdout.contains("is also the sandbox of OPS-5-keda"), "\(gc.stdout)")
    }

    /// Lease files and durations a branch decides: bounded, and an overflow is a usage error, not a trap.
    @Test func leaseBytesAndDurationsAreBounded() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        for ttl in ["9223372036854775807w", "99999999999d", "37000d"] {
            let create = try await LockmasterBinary.run([
                "sandbox", "create", "OPS-5-long", "--ttl", ttl, "--repo", repository.path,
            ])
            #expect(create.status == 64, "\(ttl): \(create.stderr)")
            #expect(create.stderr.contains("at most a century"), "\(create.stderr)")
        }
        #expect(
            try await LockmasterBinary.run(["sandbox", "create", "OPS-6-big", "--repo", repository.path]).status == 0)
        try repository.write(
            "clusters/sandbox-ops-6-big/lease.lockmaster", String(repeating: "# padding\n", count: 10_000))
        try await TestGit.commitAll(in: repository.url, message: "a big lease")
        let list = try await LockmasterBinary.run(["sandbox", "list", "-o", "json", "--repo", repository.path])
        #expect(list.status == 0 && list.stdout.contains("larger than 64 KiB"), "\(list.stdout)\(list.stderr)")
    }
}
