import Cluster
import Foundation
import LockmasterKit
import TestSupport
import Testing

/// `status --live` against a scripted kubectl stand-in (no API server runs on these machines).
@Suite struct LiveStatusTests {
    @Test func clusterStateJoinsTheExpectedRevisionAndAFailingContextStaysInItsRow() async throws {
        let layout = try TemporaryDirectory()
        let repository = try TemporaryDirectory()
        try await Scaffold.initialize(repository, publishingTo: layout)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try repository.write(
            "lockmaster.yaml",
            try repository.read("lockmaster.yaml")
                + "contexts:\n  development: dev\n  staging: stage\n  production: prod-unreachable\n")
        try await TestGit.commitAll(in: repository.url)
        _ = try await PlatformPublisher(git: TestGit.client).run(PublishRequest(repository: repository.url))
        let head = try await TestGit.run(["rev-parse", "main"], in: repository.url).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let staging = try await EnvironmentResolver().run(
            ResolveRequest(repository: repository.url, environment: "staging"))

        let kubectl = try KubectlStandIn()
        let kustomize = "kustomize.toolkit.fluxcd.io/v1"
        try kubectl.answer(
            context: "dev",
            objects: [
                KubectlStandIn.object(
                    apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", name: "platform", ready: true,
                    status: ["artifact": ["revision": "main@sha1:\(head)"]]),
                KubectlStandIn.object(
                    apiVersion: kustomize, kind: "Kustomization", name: "platform-configs", ready: true,
                    status: ["lastAppliedRevision": "main@sha1:\(head)"]),
                KubectlStandIn.object(
                    apiVersion: kustomize, kind: "Kustomization", name: "platform-services", ready: true,
                    status: ["lastAppliedRevision": "main@sha1:\(head)"]),
                KubectlStandIn.object(
                    apiVersion: kustomize, kind: "Kustomization", name: "platform-service-configs", ready: true,
                    status: ["lastAppliedRevision": "main@sha1:\(head)"]),
                KubectlStandIn.object(apiVersion: kustomize, kind: "Kustomization", name: "apps", ready: true),
            ])
        try kubectl.answer(
            context: "stage",
            objects: [
                KubectlStandIn.object(
                    apiVersion: kustomize, kind: "Kustomization", name: "platform-services", ready: false,
                    message: "HelmRelease keda not ready", status: ["lastAppliedRevision": "0.0.9@sha256:0000"]),
                KubectlStandIn.object(
                    apiVersion: kustomize, kind: "Kustomization", name: "platform-configs", ready: true,
                    suspended: true,
                    status: ["lastAppliedRevision": staging.revision]),
            ])

        let report = try await FleetStatus(git: TestGit.client, kubectl: ProcessKubectl(program: kubectl.program))
            .run(FleetStatusRequest(repository: repository.url, live: true))
        let development = try #require(report.environments.first { $0.name == "development" }?.live)
        #expect(development.error == nil)
        #expect(development.matches == true)
        #expect(
            development.objects.map(\.name) == [
                "platform", "platform-configs", "platform-service-configs", "platform-services",
            ])
        let stage = try #require(report.environments.first { $0.name == "staging" }?.live)
        #expect(stage.matches == false)
        #expect(stage.objects.first { $0.name == "platform-services" }?.message == "HelmRelease keda not ready")
        #expect(stage.objects.first { $0.name == "platform-services" }?.matches == false)
        #expect(stage.objects.first { $0.name == "platform-configs" }?.suspended == true)
        let production = try #require(report.environments.first { $0.name == "production" })
        #expect(production.live?.error?.contains("Unable to connect to the server") == true)
        #expect(production.runs?.tag == "0.1.0")  // resolution still works when the cluster cannot be reached
        let text = StatusTextFormatter.format(report)
        #expect(text.contains("live (stage): NOT at the expected revision"))
        #expect(text.contains("live (prod-unreachable): unreachable:"))
    }
}
