import Foundation
import Manifests
import Support
import TestSupport
import Testing

@Suite struct ScalarEditorTests {
    let git = ObjectSelector(kind: "GitRepository", name: "platform")
    let oci = ObjectSelector(kind: "OCIRepository", name: "platform")
    let branch = ["spec", "ref", "branch"]

    /// Edits `text` and returns the new text.
    func edit(
        _ text: String, _ selector: ObjectSelector? = nil, _ path: [String]? = nil, to value: String,
        create: Bool = false
    ) throws -> String {
        try ScalarEditor.edit(
            text: text, displayPath: "f.yaml", selector: selector ?? git, path: path ?? branch, value: value,
            create: create
        ).text
    }

    func gitRepository(ref: String) -> String {
        """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata:
          name: platform
          namespace: flux-system
        spec:
          ref:
        \(ref)
        """
    }

    @Test(arguments: [
        ("    branch: main\n", "    branch: OPS-123-add-keda\n"),
        ("    branch: \"main\"\n", "    branch: \"OPS-123-add-keda\"\n"),
        ("    branch: 'main'\n", "    branch: 'OPS-123-add-keda'\n"),
        ("    branch: main # the branch of record\n", "    branch: OPS-123-add-keda # the branch of record\n"),
        ("    branch: main   \n", "    branch: OPS-123-add-keda   \n"),
        ("    branch:   main\n", "    branch:   OPS-123-add-keda\n"),
        ("    branch: &b main\n", "    branch: &b OPS-123-add-keda\n"),
        ("    branch: !!str main\n", "    branch: !!str OPS-123-add-keda\n"),
        ("    {branch: main, name: x}\n", "    {branch: OPS-123-add-keda, name: x}\n"),
        ("    {branch: \"main\"}\n", "    {branch: \"OPS-123-add-keda\"}\n"),
        ("    branch: main", "    branch: OPS-123-add-keda"),
    ])
    func replacesOnlyTheValue(before: String, after: String) throws {
        #expect(try edit(gitRepository(ref: before), to: "OPS-123-add-keda") == gitRepository(ref: after))
    }

    @Test func everyOtherByteOfAMultiDocumentFileStays() throws {
        let file = try String(
            contentsOf: ManifestLoaderTests.fixtures.appendingPathComponent("snippets/platform.yaml"), encoding: .utf8)
        let edited = try edit(file, to: "OPS-9-x")
        #expect(
            edited
                == file.replacingOccurrences(
                    of: "    branch: main # the branch", with: "    branch: OPS-9-x # the branch"))
    }

    @Test func crlfLineEndingsStay() throws {
        let text = gitRepository(ref: "    branch: main\n").replacingOccurrences(of: "\n", with: "\r\n")
        let edited = try edit(text, to: "dev")
        #expect(edited == text.replacingOccurrences(of: "branch: main", with: "branch: dev"))
    }

    @Test func semverWithTrailingSpaceKeepsTheSpace() throws {
        let text = """
            apiVersion: source.toolkit.fluxcd.io/v1beta2
            kind: OCIRepository
            metadata:
              name: platform
            spec:
              ref:
                semver: 0.0.x 
              url: oci://example.com/platform

            """
        let edited = try edit(text, oci, ["spec", "ref", "semver"], to: "0.1.x")
        #expect(edited == text.replacingOccurrences(of: "semver: 0.0.x ", with: "semver: 0.1.x "))
    }

    @Test func plainValuesThatWouldChangeTypeAreQuoted() throws {
        let text = gitRepository(ref: "    tag: v1\n")
        #expect(try edit(text, git, ["spec", "ref", "tag"], to: "1.4") == gitRepository(ref: "    tag: \"1.4\"\n"))
        #expect(try edit(text, git, ["spec", "ref", "tag"], to: "yes") == gitRepository(ref: "    tag: \"yes\"\n"))
        #expect(try edit(text, git, ["spec", "ref", "tag"], to: "a: b") == gitRepository(ref: "    tag: \"a: b\"\n"))
        #expect(try edit(text, git, ["spec", "ref", "tag"], to: "1.4.2") == gitRepository(ref: "    tag: 1.4.2\n"))
    }

    @Test func quotesInsideQuotedValuesAreEscaped() throws {
        #expect(
            try edit(gitRepository(ref: "    branch: 'main'\n"), to: "it's")
                == gitRepository(ref: "    branch: 'it''s'\n"))
        #expect(
            try edit(gitRepository(ref: "    branch: \"main\"\n"), to: "a\"b")
                == gitRepository(ref: "    branch: \"a\\\"b\"\n"))
    }

    @Test func sameValueIsNoChange() throws {
        let result = try ScalarEditor.edit(
            text: gitRepository(ref: "    branch: main\n"), displayPath: "f.yaml", selector: git, path: branch,
            value: "main")
        #expect(!result.changed)
        #expect(result.oldValue == "main")
    }

    @Test func missingKeyIsRefusedUnlessCreationIsAsked() throws {
        let text = gitRepository(ref: "    tag: 1.0.0 # pinned\n    semver: '*'\n")
        #expect(throws: ScalarEditError.self) { try edit(text, git, ["spec", "ref", "commit"], to: "abc") }
        let created = try edit(text, git, ["spec", "ref", "commit"], to: "abc", create: true)
        #expect(created == gitRepository(ref: "    tag: 1.0.0 # pinned\n    commit: abc\n    semver: '*'\n"))
        #expect(throws: ScalarEditError.self) {
            try edit(text, git, ["spec", "verify", "mode"], to: "x", create: true)
        }
    }

    @Test func aliasesBlockScalarsAndSharedAnchorsAreRefused() throws {
        let alias = """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: platform
              labels: {branch: &b main}
            spec:
              ref:
                branch: *b

            """
        #expect(
            throws: ScalarEditError.alias(SourceLocation(path: "f.yaml", line: 8, column: 5), key: "spec.ref.branch")
        ) {
            try edit(alias, to: "x")
        }
        let shared = """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata:
              name: platform
            spec:
              ref:
                branch: &b main
              note: *b

            """
        #expect { try edit(shared, to: "x") } throws: { "\($0)".contains("would change more than this value") }
        let block = gitRepository(ref: "    branch: |\n      main\n")
        #expect { try edit(block, to: "x") } throws: {
            ($0 as? ScalarEditError).map { if case .blockScalar = $0 { true } else { false } } ?? false
        }
        let multiline = gitRepository(ref: "    branch: main\n      continued\n")
        #expect { try edit(multiline, to: "x") } throws: {
            ($0 as? ScalarEditError).map { if case .multiline = $0 { true } else { false } } ?? false
        }
        let mapping = gitRepository(ref: "    branch:\n      a: b\n")
        #expect { try edit(mapping, to: "x") } throws: {
            ($0 as? ScalarEditError).map { if case .notAScalar = $0 { true } else { false } } ?? false
        }
    }

    @Test func documentSelectionIsByKindNameAndNamespace() throws {
        let two =
            gitRepository(ref: "    branch: main\n") + "---\n"
            + gitRepository(ref: "    branch: main\n")
            .replacingOccurrences(of: "namespace: flux-system", with: "namespace: other")
        #expect { try edit(two, to: "x") } throws: { "\($0)".contains("declared more than once (line 1, line 10)") }
        let selector = ObjectSelector(kind: "GitRepository", name: "platform", namespace: "other")
        let edited = try edit(two, selector, branch, to: "x")
        #expect(
            edited == gitRepository(ref: "    branch: main\n") + "---\n"
                + gitRepository(ref: "    branch: x\n")
                .replacingOccurrences(of: "namespace: flux-system", with: "namespace: other"))
        #expect(throws: ScalarEditError.noMatchingDocument(path: "f.yaml", selector: "OCIRepository/platform")) {
            try edit(two, oci, branch, to: "x")
        }
    }

    @Test func fileEditIsAtomicAndLeavesTheFileOnRefusal() throws {
        let directory = try TemporaryDirectory()
        let text = gitRepository(ref: "    branch: main\n")
        try directory.write("platform.yaml", text)
        let url = directory.url.appendingPathComponent("platform.yaml")
        let result = try ScalarEditor.edit(
            file: url, displayPath: "platform.yaml", selector: git, path: branch, value: "feature")
        #expect(result.oldValue == "main")
        #expect(result.location == SourceLocation(path: "platform.yaml", line: 8, column: 13))
        #expect(try directory.read("platform.yaml") == gitRepository(ref: "    branch: feature\n"))
        #expect(throws: ScalarEditError.self) {
            try ScalarEditor.edit(
                file: url, displayPath: "platform.yaml", selector: git, path: ["spec", "nothing"], value: "x")
        }
        #expect(try directory.read("platform.yaml") == gitRepository(ref: "    branch: feature\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["platform.yaml"])
    }
}
