import Foundation
import Support
import TestSupport
import Testing

/// The wall around builds, tried as a pull request would: every way a kustomization could make
/// kustomize read a file outside its view or reach the network, in each spelling Go's decoders accept
/// and Lockmaster's scanner might not. Each case runs twice on the same branch: inside the kernel wall
/// (the scan refuses it, or kustomize fails inside the view) and with the wall's absence simulated
/// (every build refused). Either way no secret is printed (the registry password in the environment
/// and in docker's config, the job token in .git/config, a canary file outside the repository) and
/// neither the TCP nor the UDP listener receives anything (`HostileBranchTests.Estate.run`).
@Suite(.serialized) struct BuildWallTests {
    typealias Estate = HostileBranchTests.Estate

    enum Outcome: Sendable {
        /// The scan refuses it before kubectl runs; the message holds this.
        case refused(String)
        /// kubectl runs inside the wall and fails; its error holds this.
        case failsInside(String)
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var files: @Sendable (_ outside: String, _ tcp: Int, _ udp: Int) -> [String: String]
        var links: @Sendable (_ outside: String) -> [String: String] = { _ in [:] }
        var outcome: Outcome
        /// Render with --allow-remote (the scan lets remote resources through to the build).
        var allowRemote = false
    }

    static let kustomization = HostileBranchTests.kustomization
    static let directory = "platform/configs/evil"
    static let hostnameBase64 = Data("/etc/hostname".utf8).base64EncodedString()
    static let billionLaughs =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + (1...9).map {
            "  \(Character(UnicodeScalar(97 + $0)!)): &\(Character(UnicodeScalar(97 + $0)!)) ["
                + Array(repeating: "*\(Character(UnicodeScalar(96 + $0)!))", count: 10).joined(separator: ", ") + "]\n"
        }.joined()
    static func out(_ outside: String) -> String { HostileBranchTests.relativeOut(outside) }
    static func plain(_ text: String) -> @Sendable (String, Int, Int) -> [String: String] {
        { _, _, _ in [kustomization: text] }
    }

    static let cases: [Case] = [
        // YAML tags: Go decodes them, Yams keeps the text.
        Case(
            description: "a !!binary resource that decodes to /etc/hostname",
            files: plain("resources: [!!binary \(hostnameBase64)]\n"),
            outcome: .refused("an explicit YAML tag (tag:yaml.org,2002:binary)")),
        Case(
            description: "a !!binary generator file",
            files: plain("configMapGenerator:\n- name: x\n  files: [!!binary \(hostnameBase64)]\n"),
            outcome: .refused("an explicit YAML tag")),
        Case(
            description: "a local tag on a resource", files: plain("resources: [!path /etc/hostname]\n"),
            outcome: .refused("an explicit YAML tag (!path)")),
        Case(
            description: "a tag on the document", files: plain("--- !kustomize\nresources: []\n"),
            outcome: .refused("an explicit YAML tag (!kustomize)")),
        Case(
            description: "an !!int tag on a path", files: plain("resources: [!!int 1]\n"),
            outcome: .refused("an explicit YAML tag (tag:yaml.org,2002:int)")),
        // Anchors, aliases and merge keys.
        Case(
            description: "an alias that copies a list into resources",
            files: plain("crds: &a [a.yaml]\nresources: *a\n"), outcome: .refused("an anchor or alias")),
        Case(
            description: "an anchor on a path", files: plain("resources: [&p /etc/hostname]\n"),
            outcome: .refused("an anchor or alias")),
        Case(
            description: "a merge key that adds resources", files: plain("<<: {resources: [/etc/hostname]}\n"),
            outcome: .refused("a merge key (<<)")),
        Case(
            description: "a merge key inside a generator",
            files: plain("configMapGenerator:\n- <<: {files: [/etc/hostname]}\n  name: x\n"),
            outcome: .refused("a merge key (<<)")),
        Case(
            description: "a merge key from an alias",
            files: plain("openapi: &o {path: /etc/hostname}\nsortOptions: {<<: *o}\n"),
            outcome: .refused("a merge key (<<)")),
        // Keys in another case: Go's JSON decoder matches them.
        Case(
            description: "Resources in title case",
            files: { outside, _, _ in [kustomization: "Resources: [\(out(outside))/canary.yaml]\n"] },
            outcome: .refused("the key 'Resources', which kustomize reads as 'resources'")),
        Case(
            description: "RESOURCES in capitals", files: plain("RESOURCES: [/etc/hostname]\n"),
            outcome: .refused("which kustomize reads as 'resources'")),
        Case(
            description: "configMapGenerator in another case",
            files: plain("ConfigMapGenerator:\n- name: x\n  files: [/etc/hostname]\n"),
            outcome: .refused("which kustomize reads as 'configMapGenerator'")),
        Case(
            description: "Files in a generator",
            files: plain("configMapGenerator:\n- name: x\n  Files: [/etc/hostname]\n"),
            outcome: .refused("the key 'Files'")),
        Case(
            description: "ENVS in a generator",
            files: plain("secretGenerator:\n- name: x\n  ENVS: [/proc/self/environ]\n"),
            outcome: .refused("the key 'ENVS'")),
        Case(
            description: "Path in a patch", files: plain("resources: []\npatches:\n- Path: /etc/hostname\n"),
            outcome: .refused("the key 'Path'")),
        Case(
            description: "Path in openapi", files: plain("resources: []\nopenapi:\n  Path: /etc/hostname\n"),
            outcome: .refused("the key 'Path'")),
        Case(
            description: "Path in a replacement", files: plain("resources: []\nreplacements:\n- PATH: /etc/hostname\n"),
            outcome: .refused("the key 'PATH'")),
        Case(
            description: "Files in a generator plugin's file",
            files: { _, _, _ in
                [
                    kustomization: "generators: [gen.yaml]\n",
                    "\(directory)/gen.yaml":
                        "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: g}\nFiles: [/etc/hostname]\n",
                ]
            },
            outcome: .refused("the key 'Files'")),
        Case(
            description: "Path in an inline transformer",
            files: plain(
                "resources: []\ntransformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: t}\n  Path: /etc/hostname\n"
            ),
            outcome: .refused("the key 'Path'")),
        Case(
            description: "a generator key Go's decoder folds to files (ſ is s)",
            files: plain("configMapGenerator:\n- name: x\n  fileſ: [/etc/hostname]\n"),
            outcome: .refused("the key 'fileſ'")),
        Case(
            description: "helmCharts with a values file outside",
            files: plain("helmCharts:\n- name: x\n  valuesFile: /etc/hostname\n"),
            outcome: .refused("helmCharts, which kustomize inflates only with --enable-helm")),
        Case(
            description: "a Flux Kustomization whose patches name a file",
            files: { _, _, _ in
                [
                    "clusters/development/evil.yaml": HostileBranchTests.fluxKustomization(path: "./platform/services")
                        + "  patches:\n  - path: /etc/hostname\n    target: {kind: Namespace}\n"
                ]
            },
            outcome: .refused("spec.patches with 'path'")),
        Case(
            description: "kustomizations nested a hundred deep",
            files: { _, _, _ in
                Dictionary(
                    uniqueKeysWithValues: (0..<100).map { depth in
                        (
                            "\(directory)/" + (0..<depth).map { _ in "d/" }.joined() + "kustomization.yaml",
                            depth == 99 ? "resources: []\n" : "resources: [d]\n"
                        )
                    })
            },
            outcome: .refused("kustomizations nested more than 64 deep")),
        Case(
            description: "resources and Resources together",
            files: plain("resources: []\nResources: [/etc/hostname]\n"),
            outcome: .refused("the key 'Resources', which kustomize reads as 'resources'")),
        // Keys written twice, and keys kustomize does not know.
        Case(
            description: "resources written twice", files: plain("resources: [a.yaml]\nresources: [/etc/hostname]\n"),
            outcome: .refused("duplicate key")),
        Case(
            description: "a key kustomize v5 does not know",
            files: plain("inventory: {type: ConfigMap}\nresources: []\n"),
            outcome: .refused("which kustomize v5 does not know")),
        // Values that are not plain strings.
        Case(
            description: "a null resource", files: plain("resources: [~]\n"),
            outcome: .refused("a path that YAML reads as null, a boolean or a number")),
        Case(
            description: "a boolean resource", files: plain("resources: [yes]\n"),
            outcome: .refused("a path that YAML reads as null, a boolean or a number")),
        Case(
            description: "a hexadecimal resource", files: plain("resources: [0x2f]\n"),
            outcome: .refused("a path that YAML reads as null, a boolean or a number")),
        Case(
            description: "a mapping where a path belongs", files: plain("resources: [{path: /etc/hostname}]\n"),
            outcome: .refused("a path that is not a string")),
        Case(
            description: "resources that is not a list", files: plain("resources: /etc/hostname\n"),
            outcome: .refused("resources that is not a list")),
        // Line breaks and control characters, which kustomize cleans lexically.
        Case(
            description: "a resource with a line break",
            files: plain("resources: [\"a.yaml\\n/../../../../../../../../etc/hostname\"]\n"),
            outcome: .refused("a path with a control character or a line break")),
        Case(
            description: "a generator file with a tab",
            files: plain("configMapGenerator:\n- name: x\n  files: [\"h=\\t/etc/hostname\"]\n"),
            outcome: .refused("a path with a control character or a line break")),
        Case(
            description: "a generator file with a NUL",
            files: plain("secretGenerator:\n- name: x\n  files: [\"h=a\\0/etc/hostname\"]\n"),
            outcome: .refused("a path with a control character or a line break")),
        Case(
            description: "a patchesStrategicMerge entry with a line break that is a path",
            files: plain("resources: []\npatchesStrategicMerge:\n- \"/etc/hostname\\n\"\n"),
            outcome: .refused("a patchesStrategicMerge entry with a line break that is not an inline patch")),
        Case(
            description: "an inline generator that is only a path",
            files: plain("generators:\n- \"/etc/hostname\\n\"\n"),
            outcome: .refused("an entry with a line break that is not an inline plugin configuration")),
        // Kustomization files that are not regular files.
        Case(
            description: "a kustomization.yaml that is a symlink inside the repository",
            files: { _, _, _ in ["\(directory)/real.yaml": "resources: []\n"] },
            links: { _ in ["\(directory)/kustomization.yaml": "real.yaml"] },
            outcome: .refused("a kustomization file that is a symlink")),
        Case(
            description: "a Kustomization that is a symlink out of the repository",
            files: { _, _, _ in ["\(directory)/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"] },
            links: { outside in ["\(directory)/Kustomization": outside + "/component/kustomization.yaml"] },
            outcome: .refused("a kustomization file that is a symlink")),
        // Plugin configurations beyond the scanner's old reach.
        Case(
            description: "a generator directory whose kustomization patches the configuration's path",
            files: { _, _, _ in
                [
                    kustomization: "generators: [gens]\n",
                    "\(directory)/gens/kustomization.yaml":
                        "resources: [gen.yaml]\npatches:\n- patch: '[{\"op\": \"add\", \"path\": \"/files\", \"value\": [\"/etc/hostname\"]}]'\n  target: {kind: ConfigMapGenerator}\n",
                    "\(directory)/gens/gen.yaml":
                        "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: g}\n",
                ]
            },
            outcome: .refused("whose kustomization changes the configurations (patches)")),
        Case(
            description: "a transformer directory that lists a configuration elsewhere, naming a file outside",
            files: { outside, _, _ in
                [
                    kustomization: "transformers: [tf]\n",
                    "\(directory)/tf/kustomization.yaml": "resources: [../../other/t.yaml]\n",
                    "platform/configs/other/t.yaml":
                        "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: t}\npath: \(outside)/canary.yaml\n",
                ]
            },
            outcome: .refused("PatchTransformer path")),
        Case(
            description: "a validator that names a file outside",
            files: { outside, _, _ in
                [
                    kustomization: "validators: [v.yaml]\n",
                    "\(directory)/v.yaml":
                        "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: v}\npath: \(outside)/canary.yaml\n",
                ]
            },
            outcome: .refused("is outside the source root")),
        Case(
            description: "a helm generator's valuesFile outside",
            files: { _, _, _ in
                [
                    kustomization: "generators: [h.yaml]\n",
                    "\(directory)/h.yaml":
                        "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: h}\nvaluesFile: /etc/hostname\n",
                ]
            },
            outcome: .refused("HelmChartInflationGenerator path \"/etc/hostname\" is outside the source root")),
        // What kubectl's YAML reader is never handed.
        Case(
            description: "a resource whose aliases expand to billions of nodes",
            files: { _, _, _ in [kustomization: "resources: [bomb.yaml]\n", "\(directory)/bomb.yaml": billionLaughs] },
            outcome: .refused("aliases expand to more than")),
        Case(
            description: "a resource nested thousands of levels deep",
            files: { _, _, _ in
                [
                    kustomization: "resources: [deep.yaml]\n",
                    "\(directory)/deep.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: {x: "
                        + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}\n",
                ]
            },
            outcome: .refused("nested deeper than")),
        // JSON-form kustomizations.
        Case(
            description: "a JSON kustomization that climbs out",
            files: { outside, _, _ in [kustomization: "{\"resources\": [\"\(out(outside))/canary.yaml\"]}\n"] },
            outcome: .refused("is outside the source root")),
        Case(
            description: "a JSON kustomization with a key in another case",
            files: plain("{\"Resources\": [\"/etc/hostname\"]}\n"),
            outcome: .refused("which kustomize reads as 'resources'")),
        Case(
            description: "a JSON kustomization with a key written twice",
            files: plain("{\"resources\": [], \"resources\": [\"/etc/hostname\"]}\n"),
            outcome: .refused("duplicate key")),
        Case(
            description: "a JSON kustomization with an escaped key",
            files: plain("{\"\\u0072esources\": [\"/etc/hostname\"]}\n"),
            outcome: .refused("resources \"/etc/hostname\" is outside the source root")),
        // The network, from every file field kustomize's loader fetches.
        Case(
            description: "a generator file over http",
            files: { _, tcp, _ in
                [kustomization: "configMapGenerator:\n- name: x\n  files: [http://127.0.0.1:\(tcp)/x]\n"]
            },
            outcome: .refused("is a remote resource")),
        Case(
            description: "a generator env file over http",
            files: { _, tcp, _ in
                [kustomization: "configMapGenerator:\n- name: x\n  envs: [http://127.0.0.1:\(tcp)/x.env]\n"]
            },
            outcome: .refused("is a remote resource")),
        Case(
            description: "a patch over http",
            files: { _, tcp, _ in [kustomization: "resources: []\npatches:\n- path: http://127.0.0.1:\(tcp)/p.yaml\n"]
            },
            outcome: .refused("is a remote resource")),
        Case(
            description: "an openapi schema over http",
            files: { _, tcp, _ in [kustomization: "resources: []\nopenapi: {path: http://127.0.0.1:\(tcp)/s.json}\n"] },
            outcome: .refused("is a remote resource")),
        Case(
            description: "CRDs over http",
            files: { _, tcp, _ in [kustomization: "resources: []\ncrds: [http://127.0.0.1:\(tcp)/c.yaml]\n"] },
            outcome: .refused("is a remote resource")),
        Case(
            description: "a strategic-merge patch over http",
            files: { _, tcp, _ in
                [kustomization: "resources: []\npatchesStrategicMerge: [http://127.0.0.1:\(tcp)/p.yaml]\n"]
            },
            outcome: .refused("is a remote resource")),
        // With --allow-remote, Lockmaster fetches, and only from the base's remoteHosts.
        Case(
            description: "a resource over http with --allow-remote, from a host the base does not allow",
            files: { _, tcp, _ in [kustomization: "resources:\n- http://127.0.0.1:\(tcp)/evil.yaml\n"] },
            outcome: .refused("is not in remoteHosts in lockmaster.yaml"), allowRemote: true),
        Case(
            description: "a generator file on a named host with --allow-remote: no lookup at all",
            files: { _, _, udp in
                [kustomization: "configMapGenerator:\n- name: x\n  files: [http://canary.invalid:\(udp)/x.env]\n"]
            },
            outcome: .refused("is not in remoteHosts in lockmaster.yaml"), allowRemote: true),
        Case(
            description: "a remote git base with --allow-remote: never cloned",
            files: { _, tcp, _ in [kustomization: "resources:\n- https://127.0.0.1:\(tcp)/org/repo//deploy?ref=main\n"]
            }, outcome: .refused("is a remote base (a git repository)"), allowRemote: true),
        Case(
            description: "a branch that adds its own host to remoteHosts: the base's list decides",
            files: { _, tcp, _ in
                [
                    kustomization: "resources:\n- http://127.0.0.1:\(tcp)/evil.yaml\n",
                    "lockmaster.yaml": "remoteHosts: [\"127.0.0.1:\(tcp)\"]\n",
                ]
            },
            outcome: .refused("is not in remoteHosts in lockmaster.yaml"), allowRemote: true),
    ]

    @Test(arguments: cases) func aBuildCannotGetOut(_ wallCase: Case) async throws {
        let estate = try await Estate()
        try await estate.commit(
            wallCase.files(estate.outside.path, estate.canary.port, estate.udp.port),
            links: wallCase.links(estate.outside.path))
        let remote = wallCase.allowRemote ? ["--allow-remote"] : []
        // Inside the wall.
        let render = try await estate.run(["render", "development"] + remote)
        #expect(render.status == 1, "\(wallCase): \(render.stdout)")
        switch wallCase.outcome {
        case .refused(let message):
            #expect(render.stderr.contains(message), "\(wallCase): \(render.stderr)")
        case .failsInside(let message):
            #expect(
                render.stderr.contains("kustomize build failed") && render.stderr.contains(message),
                "\(wallCase): \(render.stderr)")
            #expect(render.stderr.contains("socket: permission denied"), "\(wallCase): \(render.stderr)")
        }
        let diff = try await estate.run(["diff", "main", "HEAD", "--env", "development", "-o", "markdown"] + remote)
        #expect(
            diff.status == 1 && diff.stdout.contains("**could not be built** (head)"), "\(wallCase): \(diff.stdout)")
        #expect(!diff.stdout.contains("(removed)"), "\(wallCase): \(diff.stdout)")
        // check renders offline: a remote resource is a warning there (Flux fetches some), anything else an error.
        let check = try await estate.run(["check", "--base", "main", "-o", "github"])
        if render.stderr.contains("is a remote resource") || wallCase.allowRemote {
            #expect(
                check.stdout.contains("title=not-rendered") && check.stdout.contains("is a remote resource"),
                "\(wallCase): \(check.stdout)")
        } else {
            #expect(check.status == 1 && check.stdout.contains("build-failed"), "\(wallCase): \(check.stdout)")
        }

        // Without the wall: nothing is built at all.
        let absent = [KernelWall.simulationVariable: "landlock"]
        for arguments in [
            ["render", "development"] + remote, ["diff", "main", "HEAD", "-o", "markdown"] + remote,
            ["check", "--base", "main", "-o", "github"],
        ] {
            let refused = try await estate.run(arguments, extra: absent)
            #expect(refused.status == 1, "\(wallCase) \(arguments): \(refused.stdout)")
            #expect(
                refused.stderr.contains(
                    "builds are refused: this kernel cannot confine them (Landlock is not available"),
                "\(wallCase) \(arguments): \(refused.stderr)")
        }
    }

    /// Two branches that differ only in a file reached through a construct the scan does not read as
    /// kustomize does: the diff fails the build on both sides (never "no changes", even with
    /// --no-cache --build-all), and neither render serves the other's build from the cache.
    @Test(arguments: [
        "resources: [!!binary \(Data("a.yaml".utf8).base64EncodedString())]\n", "<<: {resources: [a.yaml]}\n",
        "Resources: [a.yaml]\n",
    ])
    func aFileTheScanCannotSeeIsNeverNoChanges(_ kustomization: String) async throws {
        let estate = try await Estate()
        let configMap = { (value: String) in
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seen, namespace: default}\ndata: {value: \(value)}\n"
        }
        _ = try await TestGit.run(["switch", "-q", "main"], in: estate.repository.url)
        try await estate.commit([Self.kustomization: kustomization, "\(Self.directory)/a.yaml": configMap("before")])
        _ = try await TestGit.run(["switch", "-q", "-C", "evil"], in: estate.repository.url)
        try await estate.commit(["\(Self.directory)/a.yaml": configMap("after")])
        for extra in [[], ["--no-cache", "--build-all"]] {
            let diff = try await estate.run(["diff", "main", "HEAD", "--env", "development"] + extra)
            #expect(diff.status == 1, "\(extra): \(diff.stdout)")
            #expect(!diff.stdout.contains("no changes"), "\(extra): \(diff.stdout)")
            #expect(diff.stdout.contains("could not be built"), "\(extra): \(diff.stdout)")
        }
        for ref in ["main", "evil", "main"] {
            let render = try await estate.run(["render", "development", "--ref", ref])
            #expect(
                render.status == 1 && render.stderr.contains("platform/configs/evil/kustomization.yaml:1:"),
                "\(ref): \(render.stderr)")
            #expect(!render.stdout.contains("before") && !render.stdout.contains("after"), "\(ref): \(render.stdout)")
        }
    }

    /// What Go reads into a map keeps every key: proxy variables in both cases, in an inline patch's
    /// substitute and in labels, build as kustomize builds them (the strict scan does not refuse them).
    @Test func keysThatDifferOnlyInCaseInAMapStillBuild() async throws {
        let estate = try await Estate()
        try await estate.commit([
            Self.kustomization: """
            resources: [cm.yaml]
            commonLabels: {Tier: a, tier: b}
            patches:
            - target: {kind: ConfigMap}
              patch: |
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: proxy}
                data:
                  HTTP_PROXY: http://proxy.internal:3128
                  http_proxy: http://proxy.internal:3128

            """,
            "\(Self.directory)/cm.yaml":
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: proxy, namespace: default}\n",
        ])
        let render = try await estate.run(["render", "development"])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(
            render.stdout.contains("HTTP_PROXY: http://proxy.internal:3128")
                && render.stdout.contains("http_proxy: http://proxy.internal:3128"), "\(render.stdout)")
        #expect(render.stdout.contains("Tier: a") && render.stdout.contains("tier: b"), "\(render.stdout)")
    }

    @Test func theCorpusHasAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }
}
