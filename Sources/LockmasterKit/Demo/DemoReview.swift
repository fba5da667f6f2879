import Foundation
import GitKit
import Manifests
import Platform

/// The review chapters: a risky change's dangers and lane, and a deleted tag caught by the downgrade guard.
extension DemoRunner {
    /// A branch that downgrades KEDA's chart and drops its Namespace: diff leads with both dangers, and the
    /// lane says where the change would go. The branch is dropped afterwards.
    func review(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(
            .step(
                "Review a risky change before it merges: diff leads with its dangers, and --lane says where it goes and when"
            ))
        emit(
            .command(
                "git switch -c OPS-126-risky && sed -i 's/version: 2.14.1/version: 2.13.0/' platform/services/keda.yaml   # and drop the Namespace"
            ))
        try await git.createBranch("OPS-126-risky", from: "main", in: repository)
        try Self.writeKeda(version: "2.13.0", into: repository)
        let file = repository.appendingPathComponent("platform/services/keda.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let namespace = text.range(of: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: keda\n---\n") else {
            throw DemoError.unexpected("keda.yaml has no Namespace")
        }
        try Data(text.replacingCharacters(in: namespace, with: "").utf8).write(to: file)
        try await commit(repository, git: git, emit: emit, "Pin KEDA to 2.13.0")
        emit(.command("lockmaster diff main --lane --env development --fail-on high --repo \(repository.path)"))
        let report = try await PlatformDiffer(git: git).run(
            DiffRequest(
                repository: repository, sides: .git(base: "main", head: nil), environment: "development", lane: true,
                unconfined: DemoRunner.unconfined))
        let dangers = report.environments.flatMap(\.dangers)
        // Only builds that could not run (no working kubectl: nothing compared) excuse a review without both.
        let compared = report.environments.contains { !$0.kustomizations.isEmpty }
        guard
            !compared
                || (dangers.contains { $0.rule == .downgrade } && dangers.contains { $0.rule == .deletesNamespace })
        else {
            throw DemoError.unexpected("the review missed the downgrade or the Namespace")
        }
        // The text up to the objects: the lane and the dangers are what a reviewer reads first.
        let shown = DiffFormatter.text(report).components(separatedBy: "\n  Kustomization ").first ?? ""
        emit(.output(shown + "\n  …\nexit status 1: a high finding\n"))
        emit(.command("git switch main && git branch -D OPS-126-risky"))
        try await git.switchBranch("main", in: repository)
        try await git.deleteBranch("OPS-126-risky", in: repository)
    }

    /// KEDA takes values from a ConfigMap through valuesFrom; a change to that ConfigMap alone shows as
    /// the values the release installs with. The branch is dropped afterwards.
    func values(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(.step("A value that reaches a release through valuesFrom is shown as the values it installs with"))
        emit(.command("git switch -c OPS-127-values   # keda takes values from ConfigMap keda-values"))
        try await git.createBranch("OPS-127-values", from: "main", in: repository)
        let keda = repository.appendingPathComponent("platform/services/keda.yaml")
        let text = try String(contentsOf: keda, encoding: .utf8)
        guard let spec = text.range(of: "spec:\n  interval: 30m\n") else {
            throw DemoError.unexpected("keda.yaml has no HelmRelease spec")
        }
        try Data(
            text.replacingCharacters(
                in: spec,
                with: "spec:\n  interval: 30m\n  valuesFrom:\n    - kind: ConfigMap\n      name: keda-values\n"
            ).utf8
        ).write(to: keda)
        let values = repository.appendingPathComponent("platform/services/keda-values.yaml")
        func writeValues(replicas: Int) throws {
            try Data(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keda-values\n  namespace: keda\ndata:\n  values.yaml: |\n    operator:\n      replicaCount: \(replicas)\n"
                    .utf8
            ).write(to: values)
        }
        try writeValues(replicas: 1)
        try await commit(repository, git: git, emit: emit, "KEDA values from a ConfigMap")
        emit(.command("sed -i 's/replicaCount: 1/replicaCount: 2/' platform/services/keda-values.yaml"))
        try writeValues(replicas: 2)
        let (report, compared) = try await workTreeDiff(repository, git: git, emit: emit)
        guard !compared || report.environments.contains(where: { !$0.values.isEmpty }) else {
            throw DemoError.unexpected("the diff did not show KEDA's values")
        }
        // The values and the services: what the ConfigMap's change does to the release.
        let lines = DiffFormatter.text(report).components(separatedBy: "\n")
        let shown = ["== development", "  …"] + lines.drop { !$0.hasPrefix("  values of ") }
        emit(.output(shown.joined(separator: "\n")))
        emit(.command("git checkout -- . && git switch main && git branch -D OPS-127-values"))
        try await git.restore(["platform/services/keda-values.yaml"], in: repository)
        try await git.switchBranch("main", in: repository)
        try await git.deleteBranch("OPS-127-values", in: repository)
    }

    /// A `.sourceignore` that hides keda.yaml: source-controller leaves the file out of the artifact, so
    /// Flux stops applying KEDA and prunes it. diff shows that; the merge guard names the file. Removed after.
    func hiddenFiles(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(
            .step(
                "A .sourceignore that hides a file: diff shows what Flux stops applying, and the merge guard names it"))
        let ignore = repository.appendingPathComponent("platform/services/.sourceignore")
        try Data("keda.yaml\n".utf8).write(to: ignore)
        defer { try? FileManager.default.removeItem(at: ignore) }
        emit(.command("echo keda.yaml > platform/services/.sourceignore"))
        let (report, compared) = try await workTreeDiff(repository, git: git, emit: emit)
        let services: [ServiceChange] = report.environments.flatMap(\.services)
        let removed = services.contains { (service: ServiceChange) -> Bool in
            service.change == .removed && service.kind == "HelmRelease" && service.name == "keda/keda"
        }
        guard !compared || removed else { throw DemoError.unexpected("the diff did not show KEDA left out") }
        emit(.output(DiffFormatter.text(Self.servicesOnly(report))))
        let findings = try await check(repository, git: git, target: nil, emit: emit)
        guard findings.findings.contains(where: { $0.rule == .sourceIgnoreChanged }) else {
            throw DemoError.unexpected("the merge guard did not name the .sourceignore")
        }
        emit(.command("rm platform/services/.sourceignore"))
    }

    /// `lockmaster diff HEAD --env development`: the work tree's change, and whether anything was compared
    /// (without kubectl nothing is, and the story goes on).
    private func workTreeDiff(_ repository: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void)
        async throws -> (DiffReport, compared: Bool)
    {
        emit(.command("lockmaster diff HEAD --env development --repo \(repository.path)"))
        let report = try await PlatformDiffer(git: git).run(
            DiffRequest(
                repository: repository, sides: .git(base: "HEAD", head: nil), environment: "development",
                unconfined: DemoRunner.unconfined))
        return (report, report.environments.contains { !$0.kustomizations.isEmpty })
    }

    /// 0.1.1, which production was pinned to, is deleted from the artifact repository: staging's range
    /// falls back to 0.1.0 without a word from Flux, and resolve warns. The tag is put back afterwards.
    func deletedTag(_ repository: URL, artifacts: URL, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(
            .step(
                "Someone deletes 0.1.1 from the registry: staging's range falls back to 0.1.0, and resolve calls it a downgrade"
            ))
        let indexFile = artifacts.appendingPathComponent("index.json")
        let published = try Data(contentsOf: indexFile)
        defer { try? published.write(to: indexFile) }
        guard var index = try JSONSerialization.jsonObject(with: published) as? [String: Any] else {
            throw DemoError.unexpected("the layout has no index")
        }
        index["manifests"] = (index["manifests"] as? [[String: Any]] ?? []).filter {
            ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] != "0.1.1"
        }
        try JSONSerialization.data(withJSONObject: index).write(to: indexFile)
        emit(
            .command(
                "lockmaster resolve staging --fail-on-downgrade --repo \(repository.path)   # after 0.1.1 is deleted"))
        let resolved = try await EnvironmentResolver().run(
            ResolveRequest(repository: repository, environment: "staging", checkDowngrade: true))
        guard resolved.downgrade != nil else { throw DemoError.unexpected("the deleted tag was not noticed") }
        emit(.output(ResolveTextFormatter.format(resolved) + "exit status 1\n"))
    }
}

extension DemoRunner {
    /// The sandbox's lease: a week on it has run out, sandbox gc plans its teardown, and an extension
    /// in a commit on its branch keeps it.
    func lease(
        _ repository: URL, name: String, created: SandboxCreateReport, git: any GitClient,
        emit: @Sendable (DemoEvent) -> Void
    ) async throws {
        guard let lease = created.lease else { throw DemoError.unexpected("the sandbox has no lease") }
        emit(
            .step(
                "Every sandbox has a lease: a day after it runs out, sandbox list marks it and sandbox gc plans its teardown"
            ))
        let later = lease.expires.addingTimeInterval(86_400)
        emit(.command("lockmaster sandbox list --now \(LeaseTime.format(later)) --repo \(repository.path)"))
        emit(
            .output(
                SandboxTextFormatter.format(
                    try await SandboxLister(git: git).run(repository: repository, now: later), now: later)))
        emit(.command("lockmaster sandbox gc --now \(LeaseTime.format(later)) --repo \(repository.path)"))
        let collected = try await SandboxCollector(git: git).run(SandboxGCRequest(repository: repository, now: later))
        guard collected.candidates.map(\.name) == [name] else {
            throw DemoError.unexpected("gc did not find the expired sandbox")
        }
        let lines = SandboxTextFormatter.format(collected).split(separator: "\n")
        emit(.output(lines.prefix(6).joined(separator: "\n") + "\n  …\n"))
        emit(.command("lockmaster sandbox extend \(name) --ttl 14d --repo \(repository.path)"))
        emit(
            .output(
                SandboxTextFormatter.format(
                    try await SandboxExtender(git: git).run(
                        SandboxExtendRequest(repository: repository, name: name, ttl: TimeSpan("14d"))))))
    }
}
