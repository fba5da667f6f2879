import Foundation
import Support
import TestSupport
import Testing

/// `sandbox delete` through the built binary, with the stateful kubectl stand-in as `LOCKMASTER_KUBECTL`.
@Suite struct TeardownCommandTests {
    @Test func planThenExecute() async throws {
        let repository = try TemporaryDirectory()
        #expect(
            try await LockmasterBinary.run([
                "init", repository.path, "--git-url", "https://git.example.com/p.git",
                "--artifact", "oci://registry.example.com/p",
            ]).status == 0)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        #expect(
            try await LockmasterBinary.run(["sandbox", "create", "OPS-8-keda", "--repo", repository.path]).status == 0)

        // On another branch the sandbox's directory is not there: the error says where to run it.
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        let elsewhere = try await LockmasterBinary.run(["sandbox", "delete", "OPS-8-keda", "--repo", repository.path])
        #expect(
            elsewhere.status == 1
                && elsewhere.stderr
                    == "lockmaster: error: no sandbox OPS-8-keda here: clusters/sandbox-ops-8-keda is not in this work tree; "
                    + "run the command on its branch (git switch OPS-8-keda), or see lockmaster sandbox list\n"
        )
        try await TestGit.run(["switch", "-q", "OPS-8-keda"], in: repository.url)

        let plan = try await LockmasterBinary.run([
            "sandbox", "delete", "OPS-8-keda", "--repo", repository.path, "-o", "json",
        ])
        #expect(plan.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: plan.standardOutput) as? [String: Any])
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.first?["action"] as? String == "suspend")
        #expect(steps.contains { $0["object"] as? String == "HelmRelease/keda/keda" && $0["wave"] as? Int == 1 })

        let needsContext = try await LockmasterBinary.run([
            "sandbox", "delete", "OPS-8-keda", "--execute", "--repo", repository.path,
        ])
        #expect(needsContext.status == 64)

        let cluster = try ClusterStandIn()
        try cluster.add(context: "kind-sandbox", kind: "Kustomization", namespace: "flux-system", name: "flux-system")
        try cluster.add(
            context: "kind-sandbox", kind: "HelmRelease", namespace: "keda", name: "keda",
            finalizers: ["finalizers.fluxcd.io"], polls: 1)
        try cluster.add(
            context: "kind-sandbox", kind: "Kustomization", namespace: "flux-system", name: "platform-services",
            finalizers: ["finalizers.fluxcd.io"], polls: 1)
        try cluster.add(
            context: "kind-sandbox", kind: "Kustomization", namespace: "flux-system", name: "left-over",
            dependsOn: ["platform-services"])
        let executed = try await LockmasterBinary.run(
            [
                "sandbox", "delete", "OPS-8-keda", "--repo", repository.path, "--context", "kind-sandbox",
                "--execute", "--poll", "0.05s", "--timeout", "20s",
            ],
            environment: ["LOCKMASTER_KUBECTL": cluster.program])
        #expect(executed.status == 0)
        #expect(
            executed.stdout.contains(
                "Kustomization/flux-system/left-over is in the cluster but not in git; it is deleted too"))
        #expect(executed.stderr.contains("sandbox OPS-8-keda is torn down"))
        let deletes = cluster.log(context: "kind-sandbox").filter { $0.hasPrefix("delete ") }
        #expect(
            deletes.firstIndex(of: "delete Kustomization/flux-system/left-over")! < deletes.firstIndex(
                of: "delete Kustomization/flux-system/platform-services")!)
        #expect(!deletes.contains("delete Kustomization/flux-system/flux-system"))
        #expect(
            !FileManager.default.fileExists(
                atPath: repository.url.appendingPathComponent("clusters/sandbox-ops-8-keda").path))
    }

    @Test func quietLeavesOutTheProgress() async throws {
        let repository = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
            "oci://registry.example.com/p",
        ])
        try await TestGit.commitAll(in: repository.url)
        #expect(
            try await LockmasterBinary.run(["sandbox", "create", "OPS-9-quiet", "--repo", repository.path]).status == 0)
        let cluster = try ClusterStandIn()
        try cluster.add(
            context: "kind-quiet", kind: "Kustomization", namespace: "flux-system", name: "platform-services",
            finalizers: ["finalizers.fluxcd.io"], polls: 1)
        let executed = try await LockmasterBinary.run(
            [
                "sandbox", "delete", "OPS-9-quiet", "--repo", repository.path, "--context", "kind-quiet",
                "--execute", "--poll", "0.05s", "--timeout", "20s", "--quiet", "-o", "json",
            ],
            environment: ["LOCKMASTER_KUBECTL": cluster.program])
        #expect(executed.status == 0 && executed.stderr.isEmpty, "\(executed.stderr)")
        #expect(cluster.log(context: "kind-quiet").contains("delete Kustomization/flux-system/platform-services"))
    }
}
