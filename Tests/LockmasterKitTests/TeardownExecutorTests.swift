import Cluster
import Foundation
import LockmasterKit
import Manifests
import Platform
import TestSupport
import Testing

/// The teardown of a sandbox laid out as DESIGN.md §1 with KEDA added, against a stateful kubectl
/// stand-in (no Kubernetes API server can run on the build machines).
@Suite struct TeardownExecutorTests {
    let name = "OPS-5-add-keda"

    /// The scaffold with KEDA, a sandbox of it, and an `apps` Kustomization that depends on platform-services.
    func sandbox() async throws -> TemporaryDirectory {
        let repository = try TemporaryDirectory()
        try await Scaffold.initialize(repository)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        _ = try await SandboxCreator(git: TestGit.client).run(
            SandboxCreateRequest(repository: repository.url, name: name))
        let path = "clusters/sandbox-ops-5-add-keda/platform.yaml"
        try repository.write(
            path,
            try repository.read(path) + """
                ---
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: flux-system}
                spec: {interval: 10m, path: ./platform/configs, prune: true, dependsOn: [{name: platform-services}], sourceRef: {kind: GitRepository, name: platform}}

                """)
        try await TestGit.commitAll(in: repository.url, message: "apps")
        return repository
    }

    /// A cluster holding what the plan names, plus flux-system; deletions held by finalizers for a few reads.
    func cluster(for objects: [TeardownObject], context: String, stuck: ObjectReference? = nil) throws -> ClusterStandIn
    {
        let cluster = try ClusterStandIn()
        try cluster.add(context: context, kind: "Kustomization", namespace: "flux-system", name: "flux-system")
        for object in objects {
            try cluster.add(
                context: context, kind: object.kind, namespace: object.namespace, name: object.name,
                finalizers: ["finalizers.fluxcd.io"], polls: object.id == stuck ? -1 : 2,
                suspended: object.kind == "HelmRelease")
        }
        return cluster
    }

    func executor(_ cluster: ClusterStandIn, context: String, timeout: Duration = .seconds(30)) -> TeardownExecutor {
        TeardownExecutor(
            kubectl: ProcessKubectl(program: cluster.program), context: context, timeout: timeout,
            poll: .milliseconds(20), reportEvery: .milliseconds(100), git: TestGit.client)
    }

    @Test func thePlanDeletesKedaAndDependentsBeforePlatformServicesAndNeverFluxSystem() async throws {
        let repository = try await sandbox()
        let (plan, _) = try await SandboxTeardown().plan(TeardownRequest(repository: repository.url, name: name))
        let deletes = plan.steps.filter { $0.action == .delete }.compactMap(\.object)
        let at = { (id: ObjectReference) in deletes.firstIndex(of: id) ?? -1 }
        #expect(
            at("HelmRelease/keda/keda") >= 0
                && at("HelmRelease/keda/keda") < at("Kustomization/flux-system/platform-services"))
        #expect(at("Kustomization/flux-system/apps") < at("Kustomization/flux-system/platform-services"))
        #expect(!deletes.contains("Kustomization/flux-system/flux-system"))
        #expect(plan.steps.first?.action == .suspend)
    }

    /// With a context, the cluster's Kustomization inventories order what git cannot see: here a
    /// cluster-only Kustomization installed the widgets CRD, another applied widgets, and platform-configs
    /// (known from git) holds one too. Consumers go first; the destroy hooks stay in the plan.
    @Test func clusterInventoriesOrderCRDProvidersAfterTheirConsumers() async throws {
        let repository = try await sandbox()
        try repository.write(
            "lockmaster.yaml",
            try repository.read("lockmaster.yaml") + "sandbox: {hooks: {destroy: [\"echo destroy\"]}}\n")
        try await TestGit.commitAll(in: repository.url, message: "destroy hook")
        let (_, known) = try await SandboxTeardown().plan(TeardownRequest(repository: repository.url, name: name))
        let cluster = try cluster(for: known, context: "live")
        try cluster.add(
            context: "live", kind: "Kustomization", namespace: "flux-system", name: "crds",
            inventory: [
                "_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition",
                "widgets_operator_apps_Deployment",
            ])
        try cluster.add(
            context: "live", kind: "Kustomization", namespace: "flux-system", name: "widgets",
            inventory: ["apps_w1_example.com_Widget", "apps_w1__ConfigMap"])
        try cluster.add(
            context: "live", kind: "Kustomization", namespace: "flux-system", name: "platform-configs",
            inventory: ["apps_w2_example.com_Widget"])
        let live = executor(cluster, context: "live")
        let (plan, objects) = try await SandboxTeardown().plan(
            TeardownRequest(repository: repository.url, name: name), cluster: { try await live.clusterView(known: $0) })
        #expect(objects.first { $0.id == "Kustomization/flux-system/crds" }?.providesCRDGroups == ["example.com"])
        #expect(
            objects.first { $0.id == "Kustomization/flux-system/widgets" }?.ownsCustomResourceGroups == ["example.com"])
        #expect(
            objects.first { $0.id == "Kustomization/flux-system/platform-configs" }?.ownsCustomResourceGroups == [
                "example.com"
            ])
        let wave = { (id: ObjectReference) in plan.steps.first { $0.object == id }?.wave ?? 0 }
        #expect(wave("Kustomization/flux-system/widgets") < wave("Kustomization/flux-system/crds"))
        #expect(wave("Kustomization/flux-system/platform-configs") < wave("Kustomization/flux-system/crds"))
        #expect(plan.steps.contains { $0.action == .destroy && $0.reason == "run 1 sandbox.destroy hook" })
        #expect(
            plan.warnings.contains("Kustomization/flux-system/crds is in the cluster but not in git; it is deleted too")
        )
    }

    @Test func executesInOrderWaitingForFinalizersThenRemovesTheDirectory() async throws {
        let repository = try await sandbox()
        let (plan, objects) = try await SandboxTeardown().plan(TeardownRequest(repository: repository.url, name: name))
        let cluster = try cluster(for: objects, context: "sandbox")
        let lines = Lines()
        try await executor(cluster, context: "sandbox").run(
            plan, sandbox: Sandbox(name: name, settings: LockmasterSettings()), repository: repository.url,
            keepBranch: false,
            progress: { lines.append($0) }, interrupted: { false })
        let log = cluster.log(context: "sandbox")
        #expect(log.first == #"patch Kustomization/flux-system/flux-system {"spec":{"suspend":true}}"#)
        #expect(log.contains(#"patch HelmRelease/keda/keda {"spec":{"suspend":false}}"#))
        let deletes = log.filter { $0.hasPrefix("delete ") }.map { String($0.dropFirst(7)) }
        #expect(deletes == plan.steps.filter { $0.action == .delete }.compactMap(\.object?.description))
        #expect(!deletes.contains("Kustomization/flux-system/flux-system"))
        #expect(
            cluster.exists(context: "sandbox", kind: "Kustomization", namespace: "flux-system", name: "flux-system"))
        #expect(lines.all.contains("  only flux-system is left"))
        #expect(
            !FileManager.default.fileExists(
                atPath: repository.url.appendingPathComponent("clusters/sandbox-ops-5-add-keda").path))
        #expect(
            try await TestGit.run(["log", "-1", "--format=%s", name], in: repository.url) == "Remove sandbox \(name)\n")
        #expect(lines.all.contains("  kept the branch \(name): it is not merged into main"))
    }

    @Test func anObjectThatNeverGoesFailsTheStepWithItsBlockersAndARerunContinues() async throws {
        let repository = try await sandbox()
        let (plan, objects) = try await SandboxTeardown().plan(TeardownRequest(repository: repository.url, name: name))
        let cluster = try cluster(
            for: objects, context: "sandbox", stuck: "Kustomization/flux-system/platform-services")
        let lines = Lines()
        // Each poll runs the Python stand-in: under the full suite's load two polls have taken over 2 s,
        // so the timeout leaves the objects that do go a wide margin.
        await #expect {
            try await executor(cluster, context: "sandbox", timeout: .seconds(10)).run(
                plan, sandbox: Sandbox(name: name, settings: LockmasterSettings()), repository: repository.url,
                keepBranch: true, progress: { lines.append($0) }, interrupted: { false })
        } throws: { error in
            guard case .stuck(let object, _, let finalizers, _) = error as? TeardownError else { return false }
            return object == "Kustomization/flux-system/platform-services" && finalizers == ["finalizers.fluxcd.io"]
        }
        #expect(
            lines.all.contains {
                $0.hasPrefix("  waiting for Kustomization/flux-system/platform-services")
                    && $0.contains("finalizers finalizers.fluxcd.io")
            })
        #expect(
            FileManager.default.fileExists(
                atPath: repository.url.appendingPathComponent("clusters/sandbox-ops-5-add-keda").path))
        // The finalizer is released; the same command continues and skips what is already gone.
        try cluster.add(
            context: "sandbox", kind: "Kustomization", namespace: "flux-system", name: "platform-services",
            finalizers: [], polls: 0)
        let again = Lines()
        try await executor(cluster, context: "sandbox").run(
            plan, sandbox: Sandbox(name: name, settings: LockmasterSettings()), repository: repository.url,
            keepBranch: true,
            progress: { again.append($0) }, interrupted: { false })
        #expect(again.all.contains("  HelmRelease/keda/keda is already gone"))
        #expect(again.all.contains("  Kustomization/flux-system/apps is already gone"))
        #expect(again.all.contains("  only flux-system is left"))
    }

    @Test func anUnreachableClusterChangesNothing() async throws {
        let repository = try await sandbox()
        let (plan, objects) = try await SandboxTeardown().plan(TeardownRequest(repository: repository.url, name: name))
        let cluster = try cluster(for: objects, context: "sandbox")
        let head = try await TestGit.run(["rev-parse", "HEAD"], in: repository.url)
        await #expect {
            try await executor(cluster, context: "elsewhere").run(
                plan, sandbox: Sandbox(name: name, settings: LockmasterSettings()), repository: repository.url,
                keepBranch: false,
                progress: { _ in }, interrupted: { false })
        } throws: { error in
            "\(error)".hasPrefix("cannot reach the cluster of context elsewhere")
                && "\(error)".hasSuffix("nothing was changed")
        }
        #expect(cluster.log(context: "sandbox").isEmpty)
        #expect(try await TestGit.run(["rev-parse", "HEAD"], in: repository.url) == head)
    }

    @Test func aStopRequestEndsAfterTheCurrentStep() async throws {
        let repository = try await sandbox()
        let (plan, objects) = try await SandboxTeardown().plan(TeardownRequest(repository: repository.url, name: name))
        let cluster = try cluster(for: objects, context: "sandbox")
        let lines = Lines()
        await #expect {
            try await executor(cluster, context: "sandbox").run(
                plan, sandbox: Sandbox(name: name, settings: LockmasterSettings()), repository: repository.url,
                keepBranch: false,
                progress: { lines.append($0) }, interrupted: { lines.all.count >= 2 })
        } throws: {
            "\($0)".hasPrefix("interrupted: stopped after step 1")
        }
        #expect(
            cluster.log(context: "sandbox") == [
                #"patch Kustomization/flux-system/flux-system {"spec":{"suspend":true}}"#
            ])
    }
}

/// Progress lines from the executor; guarded by `lock`.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
