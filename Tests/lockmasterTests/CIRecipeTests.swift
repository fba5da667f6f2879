import Foundation
import Support
import TestSupport
import Testing
import Yams

/// The CI recipes in examples/ci, run step by step as their CI would: each `run:` (GitHub) or `script:`
/// line (GitLab) in bash -eo pipefail, in a clone of a scratch repository, against the local registry.
/// Steps that use an action, and the "Install lockmaster" step, are GitHub's or the installer's business:
/// the built binary is put on PATH instead. `gh` is a stand-in that records what it was asked to post.
@Suite(.serialized) struct CIRecipeTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/ci")
    static let password = "ci-registry-password"
    static let signingPassword = "ci-signing-passphrase"

    /// A bare origin with main (development, staging ~0.1.0, production 0.1.0 on the registry) and a
    /// clone of it, as actions/checkout leaves one.
    struct Estate {
        let origin: TemporaryDirectory
        let checkout: TemporaryDirectory
        let tools: TemporaryDirectory
        let registry: LocalRegistry

        init() async throws {
            registry = try await LocalRegistry(authentication: .basic(username: "ci", password: CIRecipeTests.password))
            origin = try TemporaryDirectory()
            checkout = try TemporaryDirectory()
            tools = try TemporaryDirectory()
            let seed = try TemporaryDirectory()
            _ = try await LockmasterBinary.run([
                "init", seed.path, "--git-url", "https://git.example.com/p.git", "--artifact", registry.url("platform"),
            ])
            try seed.write("platform/services/keda.yaml", PlatformFixture.keda())
            try await TestGit.commitAll(in: seed.url)
            _ = try await TestGit.run(
                ["clone", "--bare", "-q", seed.path, origin.path + "/platform.git"], in: seed.url)
            _ = try await TestGit.run(
                ["clone", "-q", origin.path + "/platform.git", checkout.path + "/work"], in: seed.url)
            try tools.write(
                "gh",
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '\(tools.path)/gh.log'\n"
                    + "while [ $# -gt 0 ]; do if [ \"$1\" = --body-file ]; then cat \"$2\" >> '\(tools.path)/gh.body'; fi; shift; done\n"
            )
            chmod(tools.url.appendingPathComponent("gh").path, 0o755)
            _ = try await LockmasterBinary.run(
                ["keygen", "--output", tools.path + "/signing"],
                environment: ["LOCKMASTER_SIGNING_PASSWORD": CIRecipeTests.signingPassword])
        }

        /// The PEM of the signing key, as a CI secret holds it.
        var signingKey: String { (try? tools.read("signing.key")) ?? "" }

        var work: URL { checkout.url.appendingPathComponent("work") }
        func log(_ name: String) -> String {
            (try? String(contentsOf: tools.url.appendingPathComponent(name), encoding: .utf8)) ?? ""
        }

        /// Runs one shell step as CI does; returns its output.
        func run(_ script: String, environment: [String: String]) async throws -> ProcessOutput {
            let path = [
                LockmasterBinary.url.deletingLastPathComponent().path, tools.path,
                ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            ]
            let environment = environment.merging(["RUNNER_TEMP": tools.path]) { old, _ in old }
            return try await SystemProcessRunner().run(
                ProcessInvocation(
                    "bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], workingDirectory: work,
                    environment: TestGit.environment.merging(
                        environment.merging(["PATH": path.joined(separator: ":")]) { _, new in new }
                    ) { _, new in new },
                    timeout: .seconds(120)))
        }
    }

    /// Every `${{ … }}` the recipes use, with the value CI would give it here.
    static func expressions(_ estate: Estate, version: String = "") -> [String: String] {
        [
            "vars.LOCKMASTER_URL": "https://example.invalid/lockmaster", "github.token": "gh-token",
            "github.event.pull_request.number": "7",
            "secrets.REGISTRY_USERNAME": "ci", "secrets.REGISTRY_PASSWORD": password, "inputs.version": version,
            "vars.REGISTRY_HOST": estate.registry.host, "github.repository": "acme/platform",
            "vars.LOCKMASTER_SHA256": "0", "secrets.SIGNING_KEY": estate.signingKey,
            "secrets.SIGNING_PASSWORD": signingPassword,
        ]
    }

    /// Runs every step of every job, the jobs in the order they need each other (artifacts pass through
    /// RUNNER_TEMP, which they share here); each step must exit 0.
    func runWorkflow(
        _ file: String, estate: Estate, expressions: [String: String], environment: [String: String],
        mustSucceed: Bool = true
    ) async throws -> [String: ProcessOutput] {
        let text = try String(contentsOf: Self.examples.appendingPathComponent(file), encoding: .utf8)
        let workflow = try #require(try Yams.load(yaml: text) as? [String: Any])
        let jobs = try #require(workflow["jobs"] as? [String: Any])
        let ordered = jobs.sorted {
            ($0.value as? [String: Any])?["needs"] == nil && ($1.value as? [String: Any])?["needs"] != nil
        }
        var outputs: [String: ProcessOutput] = [:]
        for (_, job) in ordered {
            let job = try #require(job as? [String: Any])
            for step in try #require(job["steps"] as? [[String: Any]]) {
                guard let script = step["run"] as? String, step["name"] as? String != "Install lockmaster" else {
                    continue
                }
                var env = environment
                for (key, value) in (step["env"] as? [String: Any]) ?? [:] {
                    env[key] = try Self.substitute("\(value)", expressions)
                }
                let name = step["name"] as? String ?? script
                let output = try await estate.run(try Self.substitute(script, expressions), environment: env)
                if mustSucceed {
                    #expect(output.status == 0, "\(file) step '\(name)' failed: \(output.stderr)\(output.stdout)")
                }
                outputs[name] = output
            }
        }
        return outputs
    }

    /// `${{ expression }}` → its value; an expression the test does not know fails the test.
    static func substitute(_ text: String, _ expressions: [String: String]) throws -> String {
        var result = text
        while let open = result.range(of: "${{"),
            let close = result.range(of: "}}", range: open.upperBound..<result.endIndex)
        {
            let expression = result[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = expressions[expression] else {
                throw CIRecipeError(description: "unknown expression ${{ \(expression) }}")
            }
            result.replaceSubrange(open.lowerBound..<close.upperBound, with: value)
        }
        return result
    }

    struct CIRecipeError: Error, CustomStringConvertible { var description: String }

    @Test func pullRequestJobAnnotatesAndComments() async throws {
        let estate = try await Estate()
        // What staging and production run must be in the registry for their side of the diff.
        let published = try await estate.run(
            "lockmaster publish",
            environment: ["LOCKMASTER_REGISTRY_USERNAME": "ci", "LOCKMASTER_REGISTRY_PASSWORD": Self.password])
        #expect(published.status == 0, "\(published.stderr)")
        _ = try await estate.run(
            "git switch -q -c OPS-9-ci && sed -i 's/2.14.0/2.14.1/' platform/services/keda.yaml && git commit -qam 'Upgrade KEDA'",
            environment: [:])
        let outputs = try await runWorkflow(
            "github/pull-request.yml", estate: estate, expressions: Self.expressions(estate),
            environment: ["GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "OPS-9-ci", "GITHUB_ACTIONS": "true"])
        #expect(outputs["Merge guard"] != nil)
        #expect(
            estate.log("gh.log").hasPrefix(
                "pr comment 7 --edit-last --body-file \(estate.tools.path)/lockmaster-diff.md"))
        #expect(
            estate.log("gh.body").contains("| upgraded (patch) | HelmRelease `keda/keda` | 2.14.0 | 2.14.1 |"),
            "\(estate.log("gh.body"))")
        #expect(!estate.log("gh.body").contains(":warning:"), "\(estate.log("gh.body"))")
    }

    /// The pull-request job on a hostile branch: a build that reads the runner's environment, a branch
    /// that names its own registry, and a value that would hide the rest of the comment. The job fails
    /// where it should, and nothing it prints or posts holds the password or reaches the other registry.
    @Test func pullRequestJobOnAHostileBranchStaysSafe() async throws {
        let estate = try await Estate()
        let published = try await estate.run(
            "lockmaster publish",
            environment: ["LOCKMASTER_REGISTRY_USERNAME": "ci", "LOCKMASTER_REGISTRY_PASSWORD": Self.password])
        #expect(published.status == 0, "\(published.stderr)")
        let canary = try await CanaryServer()
        let script = """
            git switch -q -c evil
            mkdir -p platform/configs/leak
            printf 'configMapGenerator:\\n- name: leak\\n  files: [env=/proc/self/environ]\\n' > platform/configs/leak/kustomization.yaml
            printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: note, namespace: keda}\\ndata: {text: "<!-- ``` ::error::x"}\\n' > platform/configs/note.yaml
            sed -i 's|^artifact: .*|artifact: oci://\(canary.host)/stolen|' lockmaster.yaml
            git add -A && git commit -qm 'Innocent change'
            """
        let prepared = try await estate.run(script, environment: [:])
        #expect(prepared.status == 0, "\(prepared.stderr)")
        let outputs = try await runWorkflow(
            "github/pull-request.yml", estate: estate, expressions: Self.expressions(estate),
            environment: ["GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": "evil", "GITHUB_ACTIONS": "true"],
            mustSucceed: false)
        #expect(outputs["Diff"]?.status == 1)
        let diff = try String(
            contentsOf: estate.tools.url.appendingPathComponent("lockmaster-diff.md"), encoding: .utf8)
        #expect(
            diff.contains("configMapGenerator file \\\"/proc/self/environ\\\" is outside the source root")
                || diff.contains("/proc/self/environ"), "\(diff)")
        // The branch's own registry is never the artifact repository: the settings come from the base.
        #expect(!diff.contains("stolen") && diff.contains("settings from lockmaster.yaml at the base"), "\(diff)")
        // A side that could not be built removes nothing.
        #expect(!diff.contains("| removed |"), "\(diff)")
        let printed = outputs.values.map { $0.stdout + $0.stderr }.joined() + diff + estate.log("gh.body")
        #expect(!printed.contains(Self.password) && !printed.contains("LOCKMASTER_REGISTRY_PASSWORD="))
        #expect(canary.requests.isEmpty, "the branch's registry was contacted")
        HostileMarkdown.expectInert(diff)
    }

    @Test func publishThenPromoteJobs() async throws {
        let estate = try await Estate()
        let expressions = Self.expressions(estate, version: "0.1.1")
        // v0.1.0, then a change tagged v0.1.1: each tag runs the publish job (GitHub for one, GitLab for the other).
        _ = try await estate.run("git tag v0.1.0", environment: [:])
        _ = try await runWorkflow(
            "github/publish.yml", estate: estate, expressions: expressions, environment: ["GITHUB_REF_NAME": "v0.1.0"])
        _ = try await estate.run(
            "sed -i 's/2.14.0/2.14.1/' platform/services/keda.yaml && git commit -qam 'Upgrade KEDA' && git tag v0.1.1",
            environment: [:])
        let publish = try await runGitLabJob(
            "gitlab/publish.gitlab-ci.yml", job: "lockmaster-publish", rule: "$CI_COMMIT_TAG =~ /^v/", estate: estate,
            environment: [
                "CI_COMMIT_TAG": "v0.1.1", "REGISTRY_USERNAME": "ci", "REGISTRY_PASSWORD": Self.password,
                "SIGNING_KEY": estate.tools.path + "/signing.key", "SIGNING_PASSWORD": Self.signingPassword,
            ])
        #expect(publish?.status == 0, "\(publish?.stderr ?? "")")
        let tags = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "skopeo",
                [
                    "list-tags", "--tls-verify=false", "--creds", "ci:\(Self.password)",
                    "docker://\(estate.registry.host)/platform",
                ])
        ).stdout
        #expect(tags.contains("\"0.1.0\"") && tags.contains("\"0.1.1\""), "\(tags)")
        // Both jobs signed with the key from their secret: the public key verifies each version.
        for version in ["0.1.0", "0.1.1"] {
            let verified = try await estate.run(
                "lockmaster verify \(version) --key \(estate.tools.path)/signing.pub",
                environment: [
                    "LOCKMASTER_REGISTRY_USERNAME": "ci", "LOCKMASTER_REGISTRY_PASSWORD": Self.password,
                ])
            #expect(verified.status == 0, "\(version): \(verified.stdout)\(verified.stderr)")
        }
        _ = try await estate.run("git push -q origin main", environment: [:])
        // The promotion is another job: it starts from a fresh checkout, without the publish job's files.
        _ = try await estate.run("git clean -fdq", environment: [:])

        _ = try await runWorkflow(
            "github/promote.yml", estate: estate, expressions: expressions, environment: ["GITHUB_REF_NAME": "main"])
        let pushed = try await TestGit.run(
            ["show", "promote/production-0.1.1:clusters/production/platform.yaml"],
            in: estate.origin.url.appendingPathComponent("platform.git"))
        #expect(pushed.contains("tag: \"0.1.1\""), "\(pushed)")
        #expect(
            estate.log("gh.log").contains(
                "pr create --base main --head promote/production-0.1.1 --title Promote production to 0.1.1"))
        #expect(estate.log("gh.body").contains("0.1.0 → 0.1.1"), "\(estate.log("gh.body"))")
    }

    /// The GitLab merge request job: a clean change gives an empty Code Quality report; a sync file
    /// copied into development fails the job with the finding in the report.
    @Test func gitLabMergeRequestJobWritesACodeQualityReport() async throws {
        let estate = try await Estate()
        _ = try await estate.run(
            "git switch -q -c OPS-10-mr && sed -i 's/2.14.0/2.14.1/' platform/services/keda.yaml && git commit -qam 'Upgrade KEDA'",
            environment: [:])
        let environment = ["CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"]
        let rule = "$CI_PIPELINE_SOURCE == \"merge_request_event\""
        let clean = try await runGitLabJob(
            "gitlab/merge-request.gitlab-ci.yml", job: "lockmaster-check", rule: rule, estate: estate,
            environment: environment)
        #expect(clean?.status == 0, "\(clean?.stderr ?? "")")
        let report = estate.work.appendingPathComponent("gl-code-quality-report.json")
        #expect(try String(contentsOf: report, encoding: .utf8) == "[\n\n]\n")

        _ = try await estate.run(
            "mkdir -p clusters/development/flux-system && echo '# copied' > clusters/development/flux-system/gotk-sync.yaml && git add -A && git commit -qm copy",
            environment: [:])
        let failed = try await runGitLabJob(
            "gitlab/merge-request.gitlab-ci.yml", job: "lockmaster-check", rule: rule, estate: estate,
            environment: environment)
        #expect(failed?.status == 1)
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [[String: Any]])
        #expect(issues.count == 1)
        #expect(
            issues.first?["check_name"] as? String == "sync-file-changed"
                && issues.first?["severity"] as? String == "major")
        #expect(
            (issues.first?["location"] as? [String: Any])?["path"] as? String
                == "clusters/development/flux-system/gotk-sync.yaml")
        #expect((issues.first?["fingerprint"] as? String)?.count == 32)
    }

    /// The status page job writes the lane as HTML and the report as JSON of the documented shape.
    @Test func statusPageJob() async throws {
        let estate = try await Estate()
        let published = try await estate.run(
            "lockmaster publish",
            environment: ["LOCKMASTER_REGISTRY_USERNAME": "ci", "LOCKMASTER_REGISTRY_PASSWORD": Self.password])
        #expect(published.status == 0, "\(published.stderr)")
        _ = try await runWorkflow(
            "github/status-page.yml", estate: estate, expressions: Self.expressions(estate),
            environment: ["GITHUB_REF_NAME": "main"])
        let site = estate.tools.url.appendingPathComponent("site")
        let html = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(
            html.hasPrefix("<!DOCTYPE html>") && html.contains("staging") && html.contains("0.1.0"),
            "\(html.prefix(400))")
        let json = site.appendingPathComponent("status.json")
        #expect(
            try await JSONSchemaPeer.validate(
                [json], against: JSONSchemaPeer.schemas.appendingPathComponent("status.schema.json"))[json.path]
                == .some(nil))
        #expect(try String(contentsOf: json, encoding: .utf8).contains("\"revision\" : \"0.1.0@sha256:"))
    }

    /// Runs a GitLab job's `script` lines with its `variables` expanded, when its `rules` match.
    /// `rule` is the job's only `rules: if:`, which the caller's environment must satisfy. Returns the
    /// last script line's output; every line but the last must exit 0 (the last may fail on findings).
    @discardableResult
    func runGitLabJob(
        _ file: String, job name: String, rule expected: String, estate: Estate, environment: [String: String]
    ) async throws -> ProcessOutput? {
        let text = try String(contentsOf: Self.examples.appendingPathComponent(file), encoding: .utf8)
        let jobs = try #require(try Yams.load(yaml: text) as? [String: Any])
        let job = try #require(jobs[name] as? [String: Any])
        let rule = try #require((job["rules"] as? [[String: Any]])?.first?["if"] as? String)
        #expect(rule == expected)
        var env = environment
        for (key, value) in (job["variables"] as? [String: Any]) ?? [:] {
            let text = "\(value)"
            env[key] = text.hasPrefix("$") ? environment[String(text.dropFirst())] : text
        }
        let lines = try #require(job["script"] as? [String])
        var last: ProcessOutput?
        for (index, line) in lines.enumerated() {
            let output = try await estate.run(line, environment: env)
            if index < lines.count - 1 { #expect(output.status == 0, "\(file): \(line) failed: \(output.stderr)") }
            last = output
        }
        return last
    }
}

/// What every recipe must hold to run a pull request's content safely (the recipes' shape, read as YAML).
@Suite struct CIRecipeShapeTests {
    static func workflow(_ file: String) throws -> [String: Any] {
        let text = try String(contentsOf: CIRecipeTests.examples.appendingPathComponent(file), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    static let github = [
        "github/pull-request.yml", "github/publish.yml", "github/promote.yml", "github/status-page.yml",
    ]

    @Test(arguments: github) func everyInstallVerifiesTheBinaryAndEveryRegistrySecretIsPinnedToItsHost(_ file: String)
        throws
    {
        let jobs = try #require(try Self.workflow(file)["jobs"] as? [String: [String: Any]])
        for (_, job) in jobs {
            for step in job["steps"] as? [[String: Any]] ?? [] {
                let env = step["env"] as? [String: Any] ?? [:]
                if step["name"] as? String == "Install lockmaster" {
                    #expect(
                        (step["run"] as? String)?.contains("sha256sum --check --strict") == true,
                        "\(file): the binary runs unverified")
                    #expect(env["LOCKMASTER_SHA256"] != nil, "\(file)")
                }
                if env["LOCKMASTER_REGISTRY_PASSWORD"] != nil {
                    #expect(
                        env["LOCKMASTER_REGISTRY_HOST"] != nil,
                        "\(file) step \(step["name"] ?? ""): registry secrets without LOCKMASTER_REGISTRY_HOST")
                }
            }
        }
    }

    /// The pull-request workflow: no token in the checkout, read-only where the branch is built, and
    /// pull-requests: write only in the job that runs none of its code.
    @Test func thePullRequestJobBuildsWithoutWritePermissionOrAToken() throws {
        let workflow = try Self.workflow("github/pull-request.yml")
        #expect(
            (workflow["permissions"] as? [String: Any])?.isEmpty == true, "the workflow grants permissions to every job"
        )
        let jobs = try #require(workflow["jobs"] as? [String: [String: Any]])
        for (name, job) in jobs {
            let steps = job["steps"] as? [[String: Any]] ?? []
            let permissions = job["permissions"] as? [String: String] ?? [:]
            let builds = steps.contains { ($0["run"] as? String)?.contains("lockmaster ") == true }
            for checkout in steps where (checkout["uses"] as? String)?.hasPrefix("actions/checkout") == true {
                #expect(
                    (checkout["with"] as? [String: Any])?["persist-credentials"] as? Bool == false,
                    "\(name): the checkout keeps the job token")
            }
            if builds {
                #expect(permissions.values.allSatisfy { $0 == "read" }, "\(name) builds the branch with \(permissions)")
            } else {
                #expect(
                    !steps.contains { ($0["uses"] as? String)?.hasPrefix("actions/checkout") == true },
                    "\(name) writes and checks out the branch")
            }
        }
        #expect(jobs.values.contains { ($0["permissions"] as? [String: String])?["pull-requests"] == "write" })
    }

    @Test func aBinaryWithAnotherChecksumNeverRuns() async throws {
        let workflow = try Self.workflow("github/pull-request.yml")
        let jobs = try #require(workflow["jobs"] as? [String: [String: Any]])
        let install = try #require(
            jobs.values.flatMap { $0["steps"] as? [[String: Any]] ?? [] }.first {
                $0["name"] as? String == "Install lockmaster"
            })
        let temporary = try TemporaryDirectory()
        try temporary.write("lockmaster", "#!/bin/sh\necho tampered\n")
        let script = try #require(install["run"] as? String)
        let output = try await SystemProcessRunner().run(
            ProcessInvocation(
                "bash", ["-eo", "pipefail", "-c", script],
                environment: [
                    "LOCKMASTER_URL": "file://\(temporary.path)/lockmaster",
                    "LOCKMASTER_SHA256": String(repeating: "0", count: 64), "RUNNER_TEMP": temporary.path,
                ]))
        #expect(output.status != 0)
        #expect(
            output.stdout.contains("FAILED") || output.stderr.contains("FAILED"), "\(output.stdout)\(output.stderr)")
    }
}
