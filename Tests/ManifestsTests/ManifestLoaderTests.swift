import Foundation
import Manifests
import Support
import TestSupport
import Testing

@Suite struct ManifestLoaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/repo")
    let set = ManifestLoader(root: fixtures).load()

    func object(_ kind: String, _ name: String) -> KubernetesObject? {
        set.objects.first { $0.kind == kind && $0.name == name }
    }

    func skipped(_ path: String) -> [String] {
        set.skipped.filter { $0.location.path == path }.map(\.reason)
    }

    @Test func invalidYAMLIsOneDiagnosticWithLineAndColumn() {
        #expect(set.diagnostics.count == 1)
        let diagnostic = set.diagnostics[0]
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.location?.path == "invalid/broken.yaml")
        #expect(
            diagnostic.description
                == "invalid/broken.yaml:8:1: error: invalid YAML: found unexpected end of stream while scanning a quoted scalar that starts at line 6, column 8 (fix the syntax; the rest of the repository was still read)"
        )
        #expect(diagnostic.description.contains("error: invalid YAML"))
    }

    @Test func theRestOfTheTreeIsStillRead() {
        #expect(object("GitRepository", "platform") != nil)
        #expect(object("HelmRelease", "hr-v2") != nil)
    }

    @Test func multiDocumentFileWithSnippetMarkersAndComments() throws {
        let git = try #require(object("GitRepository", "platform"))
        #expect(git.location == SourceLocation(path: "snippets/platform.yaml", line: 4, column: 1))
        #expect(git.documentIndex == 0)
        #expect(git.root.string(at: ["spec", "ref", "branch"]) == "main")
        let kustomization = try #require(object("Kustomization", "platform-services"))
        #expect(kustomization.documentIndex == 1)
        #expect(kustomization.location.line == 17)
    }

    @Test func fileStartingWithSeparatorThenSchemaComment() throws {
        let release = try #require(set.objects.first { $0.location.path == "snippets/schema.yaml" })
        #expect(release.name == "podinfo")
        #expect(release.location.line == 3)
    }

    @Test func commentOnlyAndEmptyDocumentsProduceNothingAndNoErrors() {
        #expect(!set.objects.contains { $0.location.path == "other/comment-only.yaml" })
        #expect(skipped("other/comment-only.yaml").isEmpty)
        #expect(skipped("other/empty-file.yml").isEmpty)
        let namespace = set.objects.first { $0.location.path == "other/empty-documents.yaml" }
        #expect(namespace?.name == "empty-docs")
        #expect(namespace?.documentIndex == 2)
        #expect(set.files.contains("other/empty-file.yml"))
    }

    @Test func aliasesResolveAndARedefinedAnchorWinsForLaterAliases() throws {
        let release = try #require(set.objects.first { $0.location.path == "anchors/podinfo.yaml" })
        #expect(release.name == "podinfo")
        #expect(release.root.string(at: ["spec", "chart", "spec", "chart"]) == "podinfo")
        #expect(release.root.string(at: ["spec", "postBuild", "substitute", "APP"]) == "podinfo")
        #expect(release.root.string(at: ["spec", "values", "first"]) == "6.5.4")
        #expect(release.root.string(at: ["spec", "values", "second"]) == "6.6.0")
        #expect(release.root.node(at: ["spec", "values", "first"])?.isAlias == true)
        #expect(release.root.node(at: ["spec", "chart", "spec", "version"])?.isAlias == false)
    }

    @Test func oddScalarsAreKeptAsWritten() throws {
        let config = try #require(object("ConfigMap", "odd-scalars"))
        #expect(config.root.string(at: ["data", "equals"]) == "=")
        let custom = try #require(config.root.node(at: ["data", "custom"]))
        #expect(custom.string == "CLUSTER_NAME")
        #expect(
            {
                if case .scalar(_, _, let tag) = custom.content { return tag == "!env_var" }
                return false
            }())
        #expect(config.root.string(at: ["data", "substituted"]) == "${cluster_name}")
        #expect(config.root.string(at: ["data", "escaped"]) == "$${cluster_name}")
        #expect(config.root.string(at: ["data", "defaulted"]) == "${region:=eu-west-1}")
    }

    @Test func patchesAndPartialObjectsAreSkippedWithAReason() {
        #expect(skipped("patches/podinfo-values.yaml") == ["kustomize patch referenced by patches/kustomization.yaml"])
        #expect(skipped("patches/unreferenced-partial.yaml").first?.hasPrefix("partial HelmRelease") == true)
        #expect(!set.objects.contains { $0.location.path.hasPrefix("patches/") && $0.kind == "HelmRelease" })
    }

    @Test func nonKubernetesYAMLAndTemplatesAreSkippedNotFatal() {
        #expect(skipped("other/values.yaml") == ["not a Kubernetes object (no apiVersion and kind)"])
        #expect(skipped("other/template.yaml").first?.contains("Go template") == true)
        #expect(skipped("chart").first?.contains("Helm chart") == true)
        #expect(!set.files.contains { $0.hasPrefix("chart/") })
    }

    @Test func kustomizationFileWithoutAPIVersionIsRecognised() throws {
        let directory = try TemporaryDirectory()
        try directory.write("base/kustomization.yaml", "resources:\n  - a.yaml\n")
        let set = ManifestLoader(root: directory.url).load()
        let file = try #require(set.objects.first.flatMap(KustomizeFile.init))
        #expect(file.resources == ["a.yaml"])
    }
}
