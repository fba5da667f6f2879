import Foundation
import Manifests
import Testing

/// Group, kind, namespace and name: the version never, the group always.
@Suite struct ObjectReferenceTests {
    @Test func aKindOnlyReferenceTakesFluxsGroupAndAnApiVersionWins() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lockmaster-ref-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps, namespace: flux-system}
        spec:
          sourceRef: {kind: OCIRepository, name: platform}
          dependsOn: [{name: infra}]
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: other, namespace: flux-system}
        spec:
          sourceRef: {apiVersion: example.com/v1, kind: OCIRepository, name: platform}
        ---
        apiVersion: source.toolkit.fluxcd.io/v1beta2
        kind: OCIRepository
        metadata: {name: platform, namespace: flux-system}
        spec: {url: "oci://registry.example.com/platform", ref: {semver: "~1.4.0"}}
        """.write(to: directory.appendingPathComponent("all.yaml"), atomically: true, encoding: .utf8)
        let objects = ManifestLoader(root: directory).load().objects
        let apps = try #require(objects.first { $0.name == "apps" }.flatMap(FluxKustomization.init))
        let other = try #require(objects.first { $0.name == "other" }.flatMap(FluxKustomization.init))
        let source = try #require(objects.first { $0.kind == "OCIRepository" })
        // v1beta2 is how the source is read, not what it is: the reference finds it.
        #expect(apps.sourceRef == source.reference)
        #expect(apps.sourceRef?.group == "source.toolkit.fluxcd.io")
        #expect(
            apps.dependsOn == [
                ObjectReference(
                    group: "kustomize.toolkit.fluxcd.io", kind: "Kustomization", name: "infra", namespace: "flux-system"
                )
            ])
        #expect(other.sourceRef != source.reference && other.sourceRef?.group == "example.com")
    }

    @Test func printsWithoutTheGroupUnlessAskedAndEncodesAsText() throws {
        let core = ObjectReference(group: "", kind: "ServiceAccount", name: "a", namespace: "ns")
        let talos = ObjectReference(group: "talos.dev", kind: "ServiceAccount", name: "a", namespace: "ns")
        #expect(core != talos && core.description == talos.description)
        #expect(talos.qualified == "ServiceAccount.talos.dev/ns/a" && core.qualified == "ServiceAccount/ns/a")
        #expect(
            ObjectReference(group: "", kind: "Namespace", name: "apps", namespace: "").description == "Namespace/apps")
        let release = try #require(ObjectReference("HelmRelease/keda/keda"))
        #expect(release.group == "helm.toolkit.fluxcd.io")
        let json = try JSONEncoder().encode([release])
        #expect(String(decoding: json, as: UTF8.self) == #"["HelmRelease\/keda\/keda"]"#)
        #expect(try JSONDecoder().decode([ObjectReference].self, from: json) == [release])
        #expect(ObjectReference("HelmRelease/keda") == nil && ObjectReference("HelmRelease//keda") == nil)
    }
}
