import Foundation
import Manifests
import Testing

/// The namespace Flux applies an object in, read from the kustomization files and Flux Kustomizations
/// that apply it; each case beside the kustomize behaviour it follows.
@Suite struct AppliedNamespacesTests {
    func objects(_ files: [String: String]) -> [KubernetesObject] {
        var set = ManifestSet()
        let loader = ManifestLoader(root: URL(fileURLWithPath: "/nonexistent"))
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            loader.read(data: Data(text.utf8), path: path, into: &set)
        }
        return set.objects
    }

    func namespaces(_ files: [String: String], roots: [String] = ["apps"]) -> [String: String] {
        var result: [String: String] = [:]
        for object in AppliedNamespaces.apply(to: objects(files), roots: roots)
        where object.group.hasSuffix("toolkit.fluxcd.io") {
            result[object.name ?? ""] = object.namespace ?? "-"
        }
        return result
    }

    static let ks =
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: NAME}\nspec: {path: ./PATH, sourceRef: {kind: GitRepository, name: flux-system}}\n"

    func ks(_ name: String, path: String = "x", namespace: String? = nil, target: String? = nil) -> String {
        var text = Self.ks.replacingOccurrences(of: "NAME", with: name).replacingOccurrences(of: "PATH", with: path)
        if let namespace {
            text = text.replacingOccurrences(of: "{name: \(name)}", with: "{name: \(name), namespace: \(namespace)}")
        }
        if let target { text = text.replacingOccurrences(of: "spec: {", with: "spec: {targetNamespace: \(target), ") }
        return text
    }

    @Test func aKustomizationFilesNamespaceMovesWhatItHolds() {
        let result = namespaces([
            "apps/kustomization.yaml": "resources: [./ai]\n",
            "apps/ai/kustomization.yaml": "namespace: ai\nresources: [./chat/ks.yaml]\n",
            "apps/ai/chat/ks.yaml": ks("chat", namespace: "flux-system"),
            // Not listed: Flux never applies it, and nothing moves it.
            "apps/ai/old/ks.yaml": ks("old"),
        ])
        #expect(result == ["chat": "ai", "old": "-"])
    }

    @Test func theOutermostNamespaceWins() {
        let result = namespaces([
            "apps/kustomization.yaml": "namespace: outer\nresources: [./inner]\n",
            "apps/inner/kustomization.yaml": "namespace: inner\nresources: [ks.yaml]\n",
            "apps/inner/ks.yaml": ks("a"),
        ])
        #expect(result == ["a": "outer"])
    }

    @Test func aDirectoryWithoutAKustomizationFileAppliesEverythingBeneath() {
        let result = namespaces([
            "apps/x/ks.yaml": ks("a"),
            "apps/y/kustomization.yaml": "namespace: why\nresources: [ks.yaml]\n",
            "apps/y/ks.yaml": ks("b"),
        ])
        #expect(result == ["a": "-", "b": "why"])
    }

    @Test func theTargetNamespaceOfTheKustomizationThatAppliesAPathWins() {
        let release =
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: default}\nspec: {chartRef: {name: web}}\n"
        let result = namespaces([
            "apps/ks.yaml": ks("web-app", path: "apps/web", target: "web"),
            "apps/web/kustomization.yaml": "namespace: ignored\nresources: [release.yaml]\n",
            "apps/web/release.yaml": release,
        ])
        #expect(result["web"] == "web")
    }

    @Test func whatAKustomizationFileLeavesOutIsNotApplied() {
        let objects = objects([
            "apps/kustomization.yaml": "resources: [./a]\n",
            "apps/a/ks.yaml": ks("a", path: "deep"),
            "apps/b/ks.yaml": ks("b"),
            "deep/kustomization.yaml": "resources: [ks.yaml]\n",
            "deep/ks.yaml": ks("c"),
            "deep/left-out.yaml": ks("d"),
        ])
        let applied = AppliedNamespaces.applied(objects, roots: ["apps"])
        #expect(applied.contains("apps/a/ks.yaml") && applied.contains("deep/ks.yaml"))
        #expect(!applied.contains("apps/b/ks.yaml") && !applied.contains("deep/left-out.yaml"))
    }
}
