import Foundation
import GitKit

/// The demo's adoption step: a small home-ops estate, as teams run them (the flux-instance chart syncs
/// kubernetes/flux/cluster, namespaces come from each directory's kustomization.yaml), adopted with
/// `init --adopt` and checked as Flux applies it.
extension DemoRunner {
    static let homeOps: [String: String] = [
        "kubernetes/flux/cluster/ks.yaml": """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: cluster-apps, namespace: flux-system}
        spec: {interval: 1h, path: ./kubernetes/apps, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}

        """,
        "kubernetes/apps/kustomization.yaml": "resources: [./flux-system, ./database, ./web]\n",
        "kubernetes/apps/flux-system/kustomization.yaml": "namespace: flux-system\nresources: [./flux-instance.yaml]\n",
        "kubernetes/apps/flux-system/flux-instance.yaml": """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: flux-instance}
        spec:
          interval: 1h
          chartRef: {kind: OCIRepository, name: flux-instance}
          values:
            instance:
              distribution: {version: 2.x}
              sync: {kind: GitRepository, url: "https://git.example.com/home-ops.git", ref: refs/heads/main, path: kubernetes/flux/cluster}
        ---
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: OCIRepository
        metadata: {name: flux-instance}
        spec: {interval: 1h, url: oci://ghcr.io/controlplaneio-fluxcd/charts/flux-instance, ref: {tag: 0.20.0}}

        """,
        "kubernetes/apps/database/kustomization.yaml": "namespace: database\nresources: [./ks.yaml]\n",
        "kubernetes/apps/database/ks.yaml": """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: postgres}
        spec: {interval: 1h, path: ./kubernetes/apps/database/postgres, prune: true, targetNamespace: database,
               sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}

        """,
        "kubernetes/apps/database/postgres/settings.yaml":
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: postgres}\ndata: {max_connections: \"100\"}\n",
        "kubernetes/apps/web/kustomization.yaml": "namespace: web\nresources: [./ks.yaml]\n",
        "kubernetes/apps/web/ks.yaml": """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: web}
        spec: {interval: 1h, path: ./kubernetes/apps/web/app, prune: true, targetNamespace: web, dependsOn: [{name: postgres, namespace: database}],
               sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}

        """,
        "kubernetes/apps/web/app/settings.yaml":
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {database: postgres.database}\n",
    ]

    func adoption(base: URL, git: any GitClient, emit: @Sendable (DemoEvent) -> Void) async throws {
        emit(
            .step(
                "Adopt an estate Flux already runs (home-ops layout, Flux Operator): init --adopt writes only lockmaster.yaml"
            ))
        let estate = base.appendingPathComponent("home-ops")
        for (path, text) in Self.homeOps {
            let file = estate.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        try await git.initialize(at: estate, initialBranch: "main")
        try await git.add(["."], in: estate)
        _ = try await git.commit(message: "A home-ops estate", in: estate)
        emit(.command("lockmaster init --adopt \(estate.path)"))
        emit(.output(AdoptTextFormatter.format(try await EstateAdopter(git: git).run(AdoptRequest(directory: estate)))))
        emit(
            .step(
                "The merge guard reads what Flux applies: web's dependsOn database/postgres resolves through the kustomization.yaml namespaces"
            ))
        // check reads its settings from the base: the adopted lockmaster.yaml counts once it is committed.
        try await git.add(["lockmaster.yaml"], in: estate)
        _ = try await git.commit(message: "Adopt the estate", in: estate)
        emit(
            .command(
                "git add lockmaster.yaml && git commit -m 'Adopt the estate' && lockmaster check --repo \(estate.path)")
        )
        emit(
            .output(
                CheckFormatter.text(
                    try await MergeGuard(git: git).run(
                        CheckRequest(repository: estate, environment: [:], unconfined: DemoRunner.unconfined)))))
    }
}
