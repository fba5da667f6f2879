import Foundation
import Manifests
import Platform
import Support
import TestSupport
import Testing

@Suite struct PlatformRepositoryTests {
    func repository(_ production: PlatformFixture.ProductionRef = .tag) async throws -> (
        TemporaryDirectory, PlatformRepository
    ) {
        let directory = try TemporaryDirectory()
        try directory.write(PlatformFixture.files(production: production))
        try await TestGit.commitAll(in: directory.url)
        return (directory, try PlatformRepository.load(root: directory.url))
    }

    @Test func classifiesEveryEnvironmentBySource() async throws {
        let (_, repository) = try await repository()
        #expect(repository.environments.map(\.name) == ["development", "staging", "production"])
        let development = try #require(repository.environment(named: "development"))
        #expect(development.classification == Classification(kind: .tracksBranch, ref: "main", refField: .branch))
        #expect(development.entry?.normalizedPath == "clusters/development")
        #expect(development.platformKustomizations.map { $0.object.name } == ["platform-services", "platform-configs"])
        #expect(
            development.platformKustomizations[1].dependsOn == [
                ObjectReference(kind: "Kustomization", name: "platform-services", namespace: "flux-system")
            ])
        let staging = try #require(repository.environment(named: "staging"))
        #expect(staging.classification == Classification(kind: .tracksRange, ref: "0.0.x", refField: .semver))
        let production = try #require(repository.environment(named: "production"))
        #expect(production.classification == Classification(kind: .pinned, ref: "0.0.3", refField: .tag))
        #expect(production.source?.object.namespace == "flux-system")
        #expect(production.entry == nil)
    }

    /// An environment whose platform source is made outside git: by flux bootstrap, still to run (said
    /// so), or by a Flux Operator FluxInstance (classified from its spec.sync).
    @Test func aSourceMadeOutsideGitIsExplained() async throws {
        let directory = try TemporaryDirectory()
        let kustomization = """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform, namespace: flux-system}
            spec: {interval: 10m, path: ./platform, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}

            """
        try directory.write("clusters/bare/platform.yaml", kustomization)
        try directory.write("clusters/operated/platform.yaml", kustomization)
        try directory.write(
            "clusters/operated/flux-system/flux-instance.yaml",
            """
            apiVersion: fluxcd.controlplane.io/v1
            kind: FluxInstance
            metadata: {name: flux, namespace: flux-system}
            spec: {sync: {kind: GitRepository, url: "https://git.example.com/acme/platform.git", ref: refs/heads/main, path: clusters/operated}}

            """)
        let repository = try PlatformRepository.load(root: directory.url)
        // Before bootstrap: classified by what bootstrap will write, and said so.
        #expect(repository.environment(named: "bare")?.classification.kind == .tracksBranch)
        #expect(
            repository.environment(named: "bare")?.classification.reason
                == "not bootstrapped yet: flux bootstrap will write GitRepository/flux-system/flux-system into clusters/bare/flux-system; "
                + "taken to follow the branch of record, main (bootstrap with --branch=main)"
        )
        // The operator's sync is classified like a bootstrap sync: it follows refs/heads/main.
        #expect(
            repository.environment(named: "operated")?.classification
                == Classification(kind: .tracksBranch, ref: "main", refField: .branch))
        #expect(repository.environment(named: "operated")?.instance?.sync?.path == "clusters/operated")
    }

    @Test func productionWithARangeTracksTheRange() async throws {
        let (_, repository) = try await repository(.semver)
        let production = try #require(repository.environment(named: "production"))
        #expect(production.classification.kind == .tracksRange)
        #expect(production.classification.ref == ">=0.0.1 <0.1.0")
    }

    @Test func editingDevelopmentsBranchChangesOnlyThatValue() async throws {
        let (directory, repository) = try await repository()
        let development = try #require(repository.environment(named: "development"))
        let source = try #require(development.source?.object)
        let path = source.location.path
        let before = try directory.data(path)
        try ScalarEditor.edit(
            file: directory.url.appendingPathComponent(path), displayPath: path,
            selector: ObjectSelector(kind: "GitRepository", name: "platform", namespace: "flux-system"),
            path: ["spec", "ref", "branch"], value: "OPS-123-add-keda")
        let after = try directory.data(path)
        let expected = String(decoding: before, as: UTF8.self).replacingOccurrences(
            of: "    branch: main # development", with: "    branch: OPS-123-add-keda # development")
        #expect(after == Data(expected.utf8))
        #expect(after != before)
        let reloaded = try PlatformRepository.load(root: directory.url)
        #expect(reloaded.environment(named: "development")?.classification.ref == "OPS-123-add-keda")
    }

    @Test func unknownEnvironmentsSayWhy() throws {
        let directory = try TemporaryDirectory()
        try directory.write([
            "clusters/empty/README.md": "nothing here\n",
            "clusters/missing-source/platform.yaml": """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform, namespace: flux-system}
            spec: {path: ./platform, sourceRef: {kind: OCIRepository, name: gone}}
            """,
            "clusters/latest/platform.yaml": """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata: {name: platform, namespace: flux-system}
            spec: {url: oci://example.com/platform}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform, namespace: flux-system}
            spec: {path: ./platform, sourceRef: {kind: OCIRepository, name: platform}}
            """,
            "clusters/stable/platform.yaml": """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata: {name: platform, namespace: flux-system}
            spec: {url: oci://example.com/platform, ref: {tag: latest-stable}}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform, namespace: flux-system}
            spec: {path: ./platform, sourceRef: {kind: OCIRepository, name: platform}}
            """,
            "clusters/apps-only/apps.yaml": """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: flux-system}
            spec: {path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}}
            """,
        ])
        let repository = PlatformRepository.load(root: directory.url, settings: LockmasterSettings())
        func reason(_ name: String) -> String? { repository.environment(named: name)?.classification.reason }
        #expect(repository.environments.allSatisfy { $0.classification.kind == .unknown })
        // Nothing syncs it and it holds no Flux Kustomization: not an environment at all.
        #expect(reason("empty") == nil)
        #expect(repository.notEnvironments == ["clusters/empty"])
        #expect(
            reason("missing-source")
                == "sourceRef OCIRepository/flux-system/gone is not declared in clusters/missing-source")
        #expect(reason("latest")?.contains("tag 'latest', which moves") == true)
        #expect(reason("stable")?.contains("tag 'latest-stable', a channel that says no version") == true)
        #expect(
            reason("apps-only")
                == "no Flux Kustomization in clusters/apps-only has a path under ./platform (platformPaths in lockmaster.yaml)"
        )
    }

    /// flux-mt-demo: each tenant's Kustomization has its own GitRepository, all on branch main, so the
    /// cluster follows main; with one source on another branch it is unknown. A management cluster whose
    /// entry applies only Flux (multicluster-gitops' `base`) follows its entry's source, said so.
    @Test func tenantSourcesThatAgreeAndAClusterOfFluxAlone() throws {
        func tenant(_ name: String, branch: String) -> String {
            """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: \(name), namespace: \(name)}
            spec: {interval: 1m, url: https://example.com/fleet.git, ref: {branch: \(branch)}}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: \(name), namespace: \(name)}
            spec: {interval: 1m, path: ./platform/\(name), prune: true, sourceRef: {kind: GitRepository, name: \(name)}}
            """
        }
        let directory = try TemporaryDirectory()
        try directory.write([
            "clusters/kind/tenants.yaml": tenant("team-a", branch: "main") + "\n---\n"
                + tenant("team-b", branch: "main"),
            "clusters/mixed/tenants.yaml": tenant("team-a", branch: "main") + "\n---\n"
                + tenant("team-b", branch: "next"),
            "clusters/base/flux-system/gotk-sync.yaml": PlatformFixture.gotkSync("base"),
        ])
        let repository = PlatformRepository.load(root: directory.url, settings: LockmasterSettings())
        let kind = try #require(repository.environment(named: "kind"))
        #expect(kind.classification.kind == .tracksBranch && kind.classification.ref == "main")
        #expect(
            kind.classification.reason
                == "the platform Kustomizations use 2 sources, all following branch main: GitRepository/team-a/team-a, GitRepository/team-b/team-b"
        )
        #expect(kind.source == nil)
        let mixed = try #require(repository.environment(named: "mixed"))
        #expect(mixed.classification.kind == .unknown)
        #expect(mixed.classification.reason?.hasPrefix("the platform Kustomizations use 2 different sources") == true)
        let base = try #require(repository.environment(named: "base"))
        #expect(base.classification.kind == .tracksBranch && base.classification.ref == "main")
        #expect(
            base.classification.reason
                == "nothing it applies is under ./platform (platformPaths in lockmaster.yaml): classified by its entry's source, GitRepository/flux-system/flux-system"
        )
    }

    @Test func sourceNamespacesDefaultToTheKustomizations() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "clusters/dev/platform.yaml",
            """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: platform, namespace: other}
            spec: {url: https://example.com/a.git, ref: {branch: wrong}}
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: platform, namespace: platform-system}
            spec: {url: https://example.com/a.git, ref: {branch: right}}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: platform, namespace: platform-system}
            spec: {path: ./platform, sourceRef: {kind: GitRepository, name: platform}}
            """)
        let repository = PlatformRepository.load(root: directory.url, settings: LockmasterSettings())
        #expect(repository.environment(named: "dev")?.classification.ref == "right")
    }

    @Test func gitRefPrecedenceFollowsTheCloneCode() throws {
        func classify(_ ref: String) throws -> Classification {
            let text =
                "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: p}\nspec: {url: u, \(ref)}\n"
            let node = try #require(try YAMLDocumentReader.documents(in: text).first)
            let object = KubernetesObject(
                apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", name: "p", namespace: nil,
                location: .init(path: "x"), documentIndex: 0, root: node)
            return EnvironmentClassifier.classify(try #require(GitRepository(object)))
        }
        #expect(try classify("ref: {tag: v1, semver: '>=1'}").refField == .tag)
        #expect(try classify("ref: {branch: main, commit: abc}").refField == .commit)
        #expect(try classify("ref: {branch: main, semver: '1.x'}").kind == .tracksRange)
        let none = try classify("x: 1")
        #expect(none.kind == .tracksBranch && none.ref == "master" && none.reason != nil)
    }
}
