import Artifacts
import Foundation
import GitKit
import Platform
import Support

/// The demo's story, chapter by chapter: the repository scaffolded, a change carried from a sandbox to
/// main, released to staging, and promoted to production (and rolled back).
extension DemoRunner {
    /// init, the settings schema at work, and the first status.
    func scaffold(_ repository: URL, artifacts: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void)
        async throws
    {
        emit(
            .step(
                "Scaffold a platform repository: development tracks main, staging a patch range, production a pinned tag"
            ))
        emit(
            .command(
                "lockmaster init \(repository.path) --git-url \(Self.gitURL) --artifact \(artifacts.path) --artifact-url \(Self.artifact)"
            ))
        let initResult = try await RepositoryInitializer(git: git).run(
            InitRequest(
                directory: repository, gitURL: Self.gitURL, artifact: artifacts.path, artifactURL: Self.artifact))
        emit(.output(InitTextFormatter.format(initResult)))
        try await commit(repository, git: git, emit: emit, "Scaffold the platform repository")

        emit(.step("lockmaster.yaml is checked against its JSON Schema, the one its first line points editors at"))
        let settingsFile = repository.appendingPathComponent(LockmasterSettings.fileName)
        let settingsText = try String(contentsOf: settingsFile, encoding: .utf8)
        try Data((settingsText + "clusterDir: fleet\n").utf8).write(to: settingsFile)
        emit(
            .command(
                "echo 'clusterDir: fleet' >> lockmaster.yaml && lockmaster status --repo \(repository.path); git checkout lockmaster.yaml"
            ))
        do {
            _ = try SettingsLoader.load(repositoryRoot: repository)
        } catch {
            emit(.output("\(error)\n"))
        }
        try Data(settingsText.utf8).write(to: settingsFile)

        emit(.step("See every environment, classified by its platform source"))
        emit(.command("lockmaster status --repo \(repository.path)"))
        emit(
            .output(
                StatusTextFormatter.format(
                    try await FleetStatus(git: git).run(FleetStatusRequest(repository: repository)))))
    }

    /// A sandbox opened, KEDA added and guarded, a copied sync file caught, a hostile build refused, the
    /// teardown planned, the sandbox removed and the branch merged.
    func sandboxToMain(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        let name = "OPS-123-add-keda"
        let sandbox = "clusters/\(Sandbox.environment(for: name))"
        emit(.step("Open a sandbox: a branch, and a copy of development (without its gotk-sync.yaml) that tracks it"))
        emit(.command("lockmaster sandbox create \(name) --repo \(repository.path)"))
        let created = try await SandboxCreator(git: git).run(SandboxCreateRequest(repository: repository, name: name))
        emit(.output(SandboxTextFormatter.format(created)))

        emit(.step("Add a platform service (KEDA) on the sandbox branch; the merge guard passes"))
        try Self.writeKeda(version: "2.14.0", into: repository)
        emit(.command("$EDITOR platform/services/keda.yaml   # Namespace, HelmRepository, HelmRelease keda 2.14.0"))
        try await commit(repository, git: git, emit: emit, "Add KEDA 2.14.0")
        try await check(repository, git: git, target: nil, emit: emit)
        emit(.command("lockmaster diff --env development --repo \(repository.path)"))
        let sandboxDiff = try await PlatformDiffer(git: git).run(
            DiffRequest(
                repository: repository, sides: .git(base: nil, head: nil), environment: "development",
                unconfined: Self.unconfined))
        emit(.output(DiffFormatter.text(Self.servicesOnly(sandboxDiff))))
        try await cachedDiff(repository, git: git, expected: sandboxDiff, emit: emit)
        try await lease(repository, name: name, created: created, git: git, emit: emit)

        emit(.step("The merge guard catches a sync file copied from the sandbox into development"))
        let copied = repository.appendingPathComponent("clusters/development/flux-system/gotk-sync.yaml")
        try FileManager.default.createDirectory(
            at: copied.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(Self.sandboxSync(sandbox).utf8).write(to: copied)
        emit(.command("cp <sandbox cluster's gotk-sync.yaml> clusters/development/flux-system/"))
        let findings = try await check(repository, git: git, target: nil, emit: emit)
        // In CI the same findings go where the pull or merge request shows them.
        let codeQuality = try CheckFormatter.gitlab(findings)
        emit(
            .command(
                "lockmaster check -o gitlab --repo \(repository.path) > gl-code-quality-report.json   # in a GitLab merge request job"
            ))
        emit(
            .output(
                "a GitLab Code Quality report: \(findings.findings.count) issues for the merge request's widget (\(codeQuality.utf8.count) bytes)\n"
            ))
        try FileManager.default.removeItem(at: copied.deletingLastPathComponent())
        emit(.command("rm clusters/development/flux-system/gotk-sync.yaml"))

        emit(
            .step(
                "A branch that reads outside its source is not built: every build runs in a view of its own files, inside the kernel's wall"
            ))
        let leak = repository.appendingPathComponent("platform/configs/leak")
        try FileManager.default.createDirectory(at: leak, withIntermediateDirectories: true)
        // Refused by the scan (a path outside the source), then a spelling only Go's decoder reads as `resources`.
        for (text, shown) in [
            (
                "configMapGenerator:\n- name: leak\n  files: [env=/proc/self/environ]\n",
                "configMapGenerator:\\n- name: leak\\n  files: [env=/proc/self/environ]\\n"
            ),
            ("Resources: [../../../.git/config]\n", "Resources: [../../../.git/config]\\n"),
        ] {
            try Data(text.utf8).write(to: leak.appendingPathComponent("kustomization.yaml"))
            emit(.command("printf '\(shown)' > platform/configs/leak/kustomization.yaml"))
            emit(.command("lockmaster render development --repo \(repository.path)"))
            let refused = try await PlatformRenderer().run(
                RenderRequest(repository: repository, environment: "development", unconfined: Self.unconfined))
            emit(
                .output(
                    "note: \(refused.builds)\n"
                        + refused.problems.map { "error: \($0.kustomization) (\($0.path)): \($0.message)\n" }.joined()))
        }
        try FileManager.default.removeItem(at: leak)
        emit(.command("rm -r platform/configs/leak"))
        if Self.unconfined {
            emit(
                .output(
                    "(this kernel has no Landlock or seccomp: the demo builds its own content unconfined; check, diff and render refuse to build here unless --unconfined)\n"
                ))
        }

        emit(
            .step(
                "The branch cannot change what the guard inspects: settings come from the base, and a change to them is an error"
            ))
        let settingsFile = repository.appendingPathComponent(LockmasterSettings.fileName)
        let settings = try Data(contentsOf: settingsFile)
        try Data((String(decoding: settings, as: UTF8.self) + "artifactSizeLimitMiB: 100000\n").utf8).write(
            to: settingsFile)
        emit(.command("echo 'artifactSizeLimitMiB: 100000' >> lockmaster.yaml"))
        try await check(repository, git: git, target: nil, emit: emit)
        try settings.write(to: settingsFile)
        emit(.command("git checkout lockmaster.yaml"))

        emit(
            .step(
                "The teardown plan for the sandbox: KEDA's HelmRelease goes before the platform services it depends on")
        )
        emit(.command("lockmaster sandbox delete \(name) --repo \(repository.path)"))
        let (teardown, _) = try await SandboxTeardown().plan(
            TeardownRequest(repository: repository, name: name, unconfined: Self.unconfined))
        emit(.output(TeardownFormatter.format(teardown)))

        emit(.step("Before the pull request: the sandbox is torn down and its directory leaves the branch; then merge"))
        emit(.command("git rm -r -q \(sandbox) && git commit -m 'Remove sandbox \(name)'"))
        try FileManager.default.removeItem(at: repository.appendingPathComponent(sandbox))
        try await git.add(["."], in: repository)
        _ = try await git.commit(message: "Remove sandbox \(name)", in: repository)
        try await check(repository, git: git, target: "main", emit: emit)
        emit(.command("git switch main && git merge --no-ff \(name)"))
        try await git.switchBranch("main", in: repository)
        _ = try await ProcessGitClient.merge(name, in: repository, environment: Self.gitEnvironment)
    }

    /// The demo's signing key and where it lives.
    struct Signer {
        var key: SigningKey
        var path: String
    }

    /// A key pair made, its public key trusted in lockmaster.yaml, and staging and production set to
    /// verify signatures as Flux's `spec.verify` does.
    func signing(_ repository: URL, base: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws
        -> Signer
    {
        emit(
            .step(
                "Sign what is published: a key pair, its public key trusted, and staging and production verifying signatures (spec.verify)"
            ))
        let keys = base.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let prefix = keys.appendingPathComponent("cosign")
        emit(.command("lockmaster keygen --output \(prefix.path)"))
        let made = try KeyGenerator.run(prefix: prefix, passphrase: nil)
        emit(.output(KeygenTextFormatter.format(made)))
        try FileManager.default.createDirectory(
            at: repository.appendingPathComponent("keys"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: made.publicKey, toPath: repository.appendingPathComponent("keys/cosign.pub").path)
        let settings = repository.appendingPathComponent(LockmasterSettings.fileName)
        try Data(
            (try String(contentsOf: settings, encoding: .utf8) + "signing:\n  trustedKeys: [keys/cosign.pub]\n").utf8
        ).write(to: settings)
        for environment in ["staging", "production"] {
            let file = repository.appendingPathComponent("clusters/\(environment)/platform.yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            guard let url = text.range(of: "\n  url: \(Self.artifact)\n") else {
                throw DemoError.unexpected("\(environment)'s OCIRepository has no url line")
            }
            try Data(
                text.replacingCharacters(
                    in: url,
                    with:
                        "\n  url: \(Self.artifact)\n  verify:\n    provider: cosign\n    secretRef:\n      name: cosign-pub\n"
                ).utf8
            ).write(to: file)
        }
        emit(
            .command(
                "cp \(made.publicKey) keys/ && add signing.trustedKeys: [keys/cosign.pub] to lockmaster.yaml, and spec.verify {provider: cosign, secretRef: {name: cosign-pub}} to clusters/{staging,production}/platform.yaml"
            ))
        try await commit(
            repository, git: git, emit: emit,
            "Sign artifacts: trust keys/cosign.pub; staging and production verify signatures")
        guard let text = String(data: try Data(contentsOf: URL(fileURLWithPath: made.privateKey)), encoding: .utf8)
        else { throw DemoError.unexpected("the key is not text") }
        return Signer(key: try SigningKey(pem: text, passphrase: nil), path: made.privateKey)
    }

    /// Published (signed) and resolved by staging, upgraded, compared version to version, published again.
    func release(_ repository: URL, key: Signer, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(
            .step(
                "Publish the platform as a signed, versioned OCI artifact (here to a local OCI layout); staging resolves it"
            ))
        try await publishAndResolve(repository, key: key, git: git, emit: emit)

        emit(.step("Upgrade KEDA: staging picks up the next patch release by itself"))
        try Self.writeKeda(version: "2.14.1", into: repository)
        emit(.command("sed -i 's/version: 2.14.0/version: 2.14.1/' platform/services/keda.yaml"))
        try await commit(repository, git: git, emit: emit, "Upgrade KEDA to 2.14.1")
        try await publishAndResolve(repository, key: key, git: git, emit: emit)

        emit(.step("What the new version changes, compared artifact to artifact"))
        emit(.command("lockmaster diff --versions 0.1.0 0.1.1 --repo \(repository.path)"))
        emit(
            .output(
                DiffFormatter.text(
                    try await PlatformDiffer(git: git).run(
                        DiffRequest(
                            repository: repository, sides: .versions("0.1.0", "0.1.1"), unconfined: Self.unconfined)))))

        emit(.step("Publishing the same commit again changes nothing, its signature included"))
        try await publishSigned(repository, key: key, git: git, emit: emit)
    }

    /// Production promoted on a review branch, the lane and the history, then a rollback.
    func production(_ repository: URL, base: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws
    {
        emit(.step("Promote production to exactly what staging runs, on a review branch; then merge it"))
        emit(.command("lockmaster promote production 0.1.1 --repo \(repository.path)"))
        let promoted = try await Promoter(git: git).promote(
            PromoteRequest(repository: repository, environment: "production", version: "0.1.1"))
        emit(.output(PromoteTextFormatter.format(promoted)))
        emit(.command("git switch main && git merge --no-ff \(promoted.branch)"))
        try await git.switchBranch("main", in: repository)
        _ = try await ProcessGitClient.merge(promoted.branch, in: repository, environment: Self.gitEnvironment)

        emit(.step("What runs where, and what ran where and when"))
        emit(.command("lockmaster status --repo \(repository.path)"))
        let status = try await FleetStatus(git: git).run(FleetStatusRequest(repository: repository))
        emit(.output(StatusTextFormatter.format(status).components(separatedBy: "\n\n").first.map { $0 + "\n" } ?? ""))
        let page = base.appendingPathComponent("status.html")
        let lane = StatusHTMLFormatter.format(
            status, history: try await EnvironmentHistory(git: git).run(repository: repository),
            generated: ISO8601DateFormatter().string(from: Date()))
        try Data(lane.utf8).write(to: page)
        emit(.command("lockmaster status -o html --repo \(repository.path) > \(page.path)"))
        emit(
            .output(
                "a self-contained page: the lane development → staging → production and the pin history (\(lane.utf8.count) bytes)\n"
            ))
        emit(.command("lockmaster history production --repo \(repository.path)"))
        emit(
            .output(
                PromoteTextFormatter.format(
                    try await EnvironmentHistory(git: git).run(repository: repository, environment: "production"))))

        try await unsignedRefused(repository, git: git, emit: emit)

        emit(.step("Something is wrong in production: roll back to the previous pin"))
        emit(.command("lockmaster rollback production --repo \(repository.path)"))
        let rolledBack = try await Promoter(git: git).rollback(
            repository: repository, environment: "production", to: nil)
        emit(.output(PromoteTextFormatter.format(rolledBack, rollback: true)))
    }

    /// A release candidate published from a branch without the key: verify calls it unsigned and the
    /// promote gate refuses it, since production's OCIRepository verifies signatures.
    func unsignedRefused(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(
            .step(
                "A release candidate published without the key: verify calls it unsigned, and promote refuses it for production"
            ))
        emit(
            .command(
                "git switch -c try-keda-2.16 && sed -i 's/version: 2.14.1/version: 2.16.0/' platform/services/keda.yaml"
            ))
        try await git.createBranch("try-keda-2.16", from: "main", in: repository)
        try Self.writeKeda(version: "2.16.0", into: repository)
        try await commit(repository, git: git, emit: emit, "Try KEDA 2.16.0")
        emit(.command("lockmaster publish --version 0.2.0-rc.1 --repo \(repository.path)"))
        emit(
            .output(
                PublishTextFormatter.format(
                    try await PlatformPublisher(git: git).run(
                        PublishRequest(repository: repository, version: .exact("0.2.0-rc.1"))))))
        emit(.command("lockmaster verify 0.2.0-rc.1 --repo \(repository.path)"))
        emit(
            .output(
                VerifyTextFormatter.styled(
                    try await ArtifactVerifier().run(VerifyRequest(repository: repository, target: "0.2.0-rc.1"))
                ).plain))
        emit(.command("lockmaster promote production 0.2.0-rc.1 --repo \(repository.path)"))
        do {
            _ = try await Promoter(git: git).promote(
                PromoteRequest(repository: repository, environment: "production", version: "0.2.0-rc.1"))
            throw DemoError.unexpected("an unsigned version was promoted")
        } catch let error as PromoteError {
            emit(.output("lockmaster: error: \(error)\n"))
        }
        emit(.command("git switch main"))
        try await git.switchBranch("main", in: repository)
    }

    /// The same diff twice through a render cache: the second one builds nothing (its kubectl does not
    /// even exist) and says the same.
    func cachedDiff(_ repository: URL, git: any GitClient, expected: DiffReport, emit: @Sendable (DemoEvent) -> Void)
        async throws
    {
        emit(.step("Diff again: only what the change touches was built, and the render cache holds those builds"))
        let home = repository.deletingLastPathComponent().appendingPathComponent("cache")
        let cache = RenderCacheDirectory(url: home.appendingPathComponent("lockmaster/builds"), kubectl: "kubectl")
        let request = DiffRequest(
            repository: repository, sides: .git(base: nil, head: nil), environment: "development",
            unconfined: Self.unconfined)
        emit(
            .command(
                "XDG_CACHE_HOME=\(home.path) lockmaster diff --env development --repo \(repository.path)   # twice"))
        let first = try await PlatformDiffer(git: git, cacheDirectory: cache).run(request)
        let kept =
            FileManager.default.enumerator(atPath: cache.url.path)?.allObjects.compactMap { $0 as? String }.filter {
                !$0.contains("/.") && $0.contains("/")
            }.count ?? 0
        let second = try await PlatformDiffer(
            git: git, kubectl: home.appendingPathComponent("no-kubectl").path, cacheDirectory: cache
        ).run(request)
        guard first == expected, second == expected else {
            throw DemoError.unexpected("a diff through the render cache said something else")
        }
        emit(
            .output(
                "\(kept) builds kept in the render cache; the second diff ran no kubectl at all and reported the same\n"
            ))
    }
}
