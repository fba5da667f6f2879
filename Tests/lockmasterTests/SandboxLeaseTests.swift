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

    private static func sandboxes(_ repository: TemporaryDirectory, at now: String, extra: [String] = [], environment: [String: String] = [:]) async throws -> [[String: Any]] {
        let output = try await LockmasterBinary.run(["sandbox", "list", "--now", now, "-o", "json", "--repo", repository.path] + extra, environment: environment)
        return try #require(try json(output) as? [[String: Any]], "\(output.stderr)")
    }

    @Test func createListExtendAndCap() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        try repository.write("lockmaster.yaml", try repository.read("lockmaster.yaml") + "sandbox:\n  ttl: 2d\n  max: 2\n")
        try await TestGit.commitAll(in: repository.url, message: "cap")
        let clock = ["LOCKMASTER_NOW": Self.monday]
        let first = try await LockmasterBinary.run(["sandbox", "create", "OPS-1-first", "-o", "json", "--repo", repository.path], environment: clock)
        #expect(first.status == 0, "\(first.stderr)")
        let lease = try #require((try Self.json(first) as? [String: Any])?["lease"] as? [String: Any])
        // The owner is who git would author the commit as; the TTL comes from sandbox.ttl; the ticket from the name.
        #expect(lease["owner"] as? String == "author@lockmaster.invalid")
        #expect(lease["created"] as? String == Self.monday && lease["expires"] as? String == "2026-12-09T09:00:00Z")
        #expect(lease["ticket"] as? String == "OPS-1")
        #expect(try repository.read("clusters/sandbox-ops-1-first/lease.lockmaster").contains("expires: 2026-12-09T09:00:00Z\n"))
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        #expect(try await LockmasterBinary.run(["sandbox", "create", "OPS-2-second", "--owner", "bob@example.com", "--ttl", "12h", "--now", "2026-12-08T09:00:00Z",
                                                "--repo", repository.path]).status == 0)
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)

        // Thursday: the first has expired, the second too; Tuesday morning neither.
        let thursday = try await Self.sandboxes(repository, at: "2026-12-10T09:00:00Z")
        #expect(thursday.map { $0["name"] as? String } == ["OPS-1-first", "OPS-2-second"])
        #expect(thursday.map { $0["expired"] as? Bool } == [true, true])
        #expect(try await Self.sandboxes(repository, at: "2026-12-08T10:00:00Z").map { $0["expired"] as? Bool } == [false, false])
        let table = try await LockmasterBinary.run(["sandbox", "list", "--now", "2026-12-10T09:00:00Z", "--color", "always", "--repo", repository.path])
        #expect(table.stdout.contains("\u{1B}[1;31mexpired 1d ago\u{1B}[0m"), "\(table.stdout)")
        #expect(table.stdout.contains("bob@example.com"))

        // The cap: a third is refused, naming the oldest, and nothing changes.
        let before = try await TestGit.run(["for-each-ref"], in: repository.url) + TestGit.run(["status", "--porcelain"], in: repository.url)
        let third = try await LockmasterBinary.run(["sandbox", "create", "OPS-3-third", "--repo", repository.path], environment: clock)
        #expect(third.status == 1)
        #expect(third.stderr.contains("2 sandboxes are open, the most sandbox.max in lockmaster.yaml allows; the oldest: OPS-1-first (since "), "\(third.stderr)")
        #expect(try await TestGit.run(["for-each-ref"], in: repository.url) + TestGit.run(["status", "--porcelain"], in: repository.url) == before)

        // Extend from main: a commit on the sandbox branch, and back on main.
        let extended = try await LockmasterBinary.run(["sandbox", "extend", "OPS-1-first", "--ttl", "3d", "--now", "2026-12-10T09:00:00Z", "--repo", repository.path])
        #expect(extended.status == 0, "\(extended.stderr)")
        #expect(extended.stdout.hasPrefix("extended sandbox OPS-1-first: author@lockmaster.invalid's lease runs until 2026-12-13T09:00:00Z; committed "))
        #expect(try await TestGit.run(["branch", "--show-current"], in: repository.url) == "main\n")
        #expect(try await TestGit.run(["log", "-1", "--format=%s", "OPS-1-first"], in: repository.url) == "Extend sandbox OPS-1-first's lease to 2026-12-13T09:00:00Z\n")
        #expect(try await Self.sandboxes(repository, at: "2026-12-10T09:00:00Z").map { $0["expired"] as? Bool } == [false, true])
        #expect(try await LockmasterBinary.run(["sandbox", "extend", "OPS-9-none", "--repo", repository.path]).status == 1)
        #expect(try await LockmasterBinary.run(["sandbox", "extend", "OPS-1-first", "--ttl", "soon", "--repo", repository.path]).stderr
            .contains("'soon' is not a lease duration"))

        // check on the expired sandbox's branch warns, at the lease's expiry line.
        try await TestGit.run(["switch", "-q", "OPS-2-second"], in: repository.url)
        let check = try await LockmasterBinary.run(["check", "--repo", repository.path], environment: ["LOCKMASTER_NOW": "2026-12-10T09:00:00Z"])
        #expect(check.stdout.contains("clusters/sandbox-ops-2-second/lease.lockmaster:4:1: warning: sandbox OPS-2-second's lease (bob@example.com) expired 2026-12-08T21:00:00Z, 1d 12h ago [sandbox-expired]"), "\(check.stdout)")
        let early = try await LockmasterBinary.run(["check", "--repo", repository.path], environment: ["LOCKMASTER_NOW": "2026-12-08T10:00:00Z"])
        #expect(!early.stdout.contains("sandbox-expired"))
    }

    @Test func listAsksTheClustersThatHaveAContext() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        try repository.write("lockmaster.yaml", try repository.read("lockmaster.yaml") + "contexts: {sandbox-ops-4-up: kind-up, OPS-5-down: kind-down}\n")
        try await TestGit.commitAll(in: repository.url, message: "contexts")
        for name in ["OPS-4-up", "OPS-5-down", "OPS-6-unknown"] {
            #expect(try await LockmasterBinary.run(["sandbox", "create", name, "--repo", repository.path]).status == 0)
            try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        }
        let kubectl = try KubectlStandIn()
        try kubectl.answer(context: "kind-up", objects: [])
        let live = try await Self.sandboxes(repository, at: Self.monday, extra: ["--live"], environment: ["LOCKMASTER_KUBECTL": kubectl.program])
        #expect(live.map { $0["live"] as? Bool } == [true, false, nil])

        // A broken lease on one branch is reported on its row; the others are listed as before.
        try await TestGit.run(["switch", "-q", "OPS-6-unknown"], in: repository.url)
        try repository.write("clusters/sandbox-ops-6-unknown/lease.lockmaster", "owner: x@example.com\nexpires: tomorrow\n")
        try await TestGit.commitAll(in: repository.url, message: "break the lease")
        let listed = try await Self.sandboxes(repository, at: Self.monday)
        #expect(listed.map { $0["name"] as? String } == ["OPS-4-up", "OPS-5-down", "OPS-6-unknown"])
        #expect((listed.last?["leaseError"] as? String)?.hasSuffix("lease.lockmaster:1:1: the sandbox lease is malformed: no created") == true, "\(listed.last ?? [:])")
    }

    @Test func gcPlansTheExpiredAndMergedAndTearsThemDownInTurn() async throws {
        let (_, repository) = try await LockmasterBinary.scaffold()
        for (name, day) in [("OPS-1-old", "2026-12-01T09:00:00Z"), ("OPS-2-merged", "2026-12-06T09:00:00Z"), ("OPS-3-fresh", "2026-12-06T09:00:00Z")] {
            #expect(try await LockmasterBinary.run(["sandbox", "create", name, "--ttl", "3d", "--now", day, "--repo", repository.path]).status == 0)
            try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        }
        try await TestGit.run(["merge", "-q", "--no-ff", "--no-edit", "OPS-2-merged"], in: repository.url)

        let plan = try await LockmasterBinary.run(["sandbox", "gc", "--now", Self.monday, "-o", "json", "--repo", repository.path])
        #expect(plan.status == 0, "\(plan.stderr)")
        let candidates = try #require((try Self.json(plan) as? [String: Any])?["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["name"] as? String } == ["OPS-1-old", "OPS-2-merged"])
        #expect(candidates.map { $0["reasons"] as? [String] } == [["lease expired 2026-12-04T09:00:00Z (3d ago)"], ["merged into main"]])
        #expect(candidates.allSatisfy { ($0["plan"] as? [String: Any])?["steps"] != nil && $0["tornDown"] as? Bool == false })
        #expect(try await TestGit.run(["branch", "--show-current"], in: repository.url) == "main\n")
        let text = try await LockmasterBinary.run(["sandbox", "gc", "--now", Self.monday, "--repo", repository.path])
        #expect(text.stdout.hasPrefix("sandbox OPS-1-old (owner author@lockmaster.invalid): lease expired 2026-12-04T09:00:00Z (3d ago)\n  teardown plan for sandbox-ops-1-old:"))

        // Without a context for each, nothing is torn down.
        let noContext = try await LockmasterBinary.run(["sandbox", "gc", "--execute", "--now", Self.monday, "--context", "OPS-1-old=kind-old", "--repo", repository.path])
        #expect(noContext.status == 1)
        #expect(noContext.stderr.contains("no kube context for OPS-2-merged"))

        // The first cluster answers and is torn down; the second cannot be reached: gc stops there.
        let cluster = try ClusterStandIn()
        try cluster.add(context: "kind-old", kind: "Kustomization", namespace: "flux-system", name: "platform-services", finalizers: ["finalizers.fluxcd.io"], polls: 1)
        let executed = try await LockmasterBinary.run(["sandbox", "gc", "--execute", "--now", Self.monday, "--context", "OPS-1-old=kind-old",
                                                       "--context", "OPS-2-merged=kind-gone", "--poll", "0.05s", "--timeout", "20s", "--repo", repository.path],
                                                      environment: ["LOCKMASTER_KUBECTL": cluster.program])
        #expect(executed.status == 1)
        #expect(executed.stderr.contains("kind-gone"), "\(executed.stderr)")
        #expect(cluster.log(context: "kind-old").contains("delete Kustomization/flux-system/platform-services"))
        #expect(try await TestGit.run(["ls-tree", "-r", "--name-only", "OPS-1-old"], in: repository.url).contains("sandbox-ops-1-old") == false)
        #expect(try await TestGit.run(["ls-tree", "-r", "--name-only", "OPS-2-merged"], in: repository.url).contains("sandbox-ops-2-merged"))
        #expect(try await TestGit.run(["branch", "--show-current"], in: repository.url) == "main\n")
    }
}
