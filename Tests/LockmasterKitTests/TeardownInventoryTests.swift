import Manifests
import Testing

@testable import LockmasterKit

/// What the teardown reads from a render: which objects install Flux itself.
@Suite struct TeardownInventoryTests {
    private func rendered(_ text: String, by kustomization: KustomizationID) throws -> [RenderedObject] {
        try YAMLDocumentReader.documents(in: text).map {
            RenderedObject(kustomization: kustomization, source: nil, node: $0)
        }
    }

    @Test func theOperatorsReleaseAndTheKustomizationApplyingItInstallFlux() throws {
        let objects =
            try rendered(
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: flux, namespace: flux-system}
                spec: {path: ./flux, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
                ---
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: flux-system}
                spec: {path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
                """, by: .entry)
            + rendered(
                """
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata: {name: flux-operator, namespace: flux-system}
                spec: {chart: {spec: {chart: flux-operator, sourceRef: {kind: HelmRepository, name: controlplane}}}}
                """, by: KustomizationID(namespace: "flux-system", name: "flux"))
            + rendered(
                """
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata: {name: keda, namespace: keda}
                spec: {chart: {spec: {chart: keda, sourceRef: {kind: HelmRepository, name: kedacore}}}}
                """, by: KustomizationID(namespace: "flux-system", name: "apps"))
        let installs = Dictionary(
            uniqueKeysWithValues: TeardownInventory.objects(from: objects).map { ($0.name, $0.installsFlux) })
        #expect(installs == ["flux": true, "apps": false, "flux-operator": true, "keda": false])
    }
}
