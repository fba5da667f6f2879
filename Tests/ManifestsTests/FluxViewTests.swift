import Foundation
import Manifests
import Testing

@Suite struct FluxViewTests {
    let set = ManifestLoader(root: ManifestLoaderTests.fixtures).load(under: "versions")

    func named(_ name: String) throws -> KubernetesObject {
        try #require(set.objects.first { $0.name == name })
    }

    @Test(arguments: ["git-v1beta1", "git-v1beta2", "git-v1"])
    func gitRepositoryInEveryServedVersion(name: String) throws {
        let repository = try #require(GitRepository(try named(name)))
        #expect(repository.url?.hasPrefix("https://example.com/") == true)
    }

    @Test func gitRepositoryRefs() throws {
        #expect(GitRepository(try named("git-v1beta1"))?.ref?.branch == "main")
        #expect(GitRepository(try named("git-v1beta2"))?.ref?.tag == "v1.0.0")
        #expect(GitRepository(try named("git-v1"))?.ref?.semver == ">=1.0.0")
    }

    @Test func ociRepositoryInEveryServedVersion() throws {
        let beta = try #require(OCIRepository(try named("oci-v1beta2")))
        #expect(beta.ref?.semver == "0.0.x")
        #expect(beta.ref?.semverFilter == ".*-rc.*")
        let ga = try #require(OCIRepository(try named("oci-v1")))
        #expect(ga.ref?.digest?.hasPrefix("sha256:") == true)
    }

    @Test(arguments: ["helm-v1beta1", "helm-v1beta2", "helm-v1"])
    func helmRepositoryInEveryServedVersion(name: String) throws {
        let repository = try #require(HelmRepository(try named(name)))
        #expect(repository.type == (name == "helm-v1beta2" ? "oci" : "default"))
    }

    @Test func kustomizationsDefaultNamespacesToTheirOwn() throws {
        let first = try #require(FluxKustomization(try named("ks-v1beta1")))
        #expect(
            first.sourceRef == ObjectReference(kind: "GitRepository", name: "git-v1beta1", namespace: "flux-system"))
        #expect(first.normalizedPath == "a")
        let second = try #require(FluxKustomization(try named("ks-v1beta2")))
        #expect(second.normalizedPath == "b")
        #expect(
            second.dependsOn == [ObjectReference(kind: "Kustomization", name: "ks-v1beta1", namespace: "flux-system")])
        let third = try #require(FluxKustomization(try named("ks-v1")))
        #expect(third.sourceRef?.namespace == "flux-system")
        #expect(
            third.dependsOn.map(\.description) == ["Kustomization/flux-system/ks-v1beta2", "Kustomization/apps/local"])
        #expect(third.suspend)
    }

    @Test func helmReleasesInEveryServedVersion() throws {
        let old = try #require(HelmRelease(try named("hr-v2beta1")))
        #expect(old.chart?.version == "2.14.0")
        #expect(old.chart?.sourceRef?.namespace == "flux-system")
        let middle = try #require(HelmRelease(try named("hr-v2beta2")))
        #expect(middle.chart?.version == "2.x")
        #expect(middle.dependsOn.first == ObjectReference(kind: "HelmRelease", name: "hr-v2beta1", namespace: "keda"))
        let current = try #require(HelmRelease(try named("hr-v2")))
        #expect(current.chartRef == ObjectReference(kind: "OCIRepository", name: "podinfo", namespace: "apps"))
    }

    @Test func anUnservedVersionIsNotRead() throws {
        #expect(GitRepository(try named("future-version")) == nil)
    }

    @Test func kustomizeFileListsPatchesAndResources() throws {
        let set = ManifestLoader(root: ManifestLoaderTests.fixtures).load(under: "patches")
        let file = try #require(set.objects.compactMap(KustomizeFile.init).first)
        #expect(file.resources == ["../snippets/schema.yaml"])
        #expect(file.patchPaths == ["podinfo-values.yaml"])
    }
}
