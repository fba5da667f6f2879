import Foundation
import TestSupport

/// A fleet-shaped estate, unlike `FastDiffTests.estate`'s home-ops: a hub per environment applies
/// infrastructure and the east tenants to itself and the west tenants to a spoke cluster through
/// `kubeConfig`, so the same objects go to two clusters; charts come from a HelmRepository (`spec.chart.spec`) and, for the tenants'
/// releases, from an OCIRepository in another namespace; values from a hashed `configMapGenerator`
/// through `valuesFrom`; the Flux Kustomizations use `targetNamespace`, `images`, `patches` and
/// `components`.
enum FleetEstate {
    static let paths = ["clusters", "infrastructure", "tenants", "components"]

    static func write(_ directory: TemporaryDirectory) throws {
        try directory.write(
            "lockmaster.yaml",
            "clustersDir: clusters\nplatformPaths: [infrastructure, tenants, components]\nbranch: main\nenvironments: [staging, production]\n"
        )
        try directory.write(
            "components/monitoring/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [./servicemonitor.yaml]\n")
        try directory.write(
            "components/monitoring/servicemonitor.yaml",
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: ${TENANT}-metrics\nspec: {endpoints: [{port: http}], selector: {matchLabels: {app: web}}}\n"
        )
        try directory.write(
            "infrastructure/controllers/kustomization.yaml",
            "resources: [./repository.yaml, ./ingress.yaml, ./tenant-chart.yaml]\nconfigMapGenerator:\n- name: ingress-values\n  namespace: ingress\n  files: [values.yaml=./ingress-values.yaml]\nconfigurations: [./kustomizeconfig.yaml]\n"
        )
        // kustomize renames a generated ConfigMap in what refers to it; HelmRelease's valuesFrom is taught here.
        try directory.write(
            "infrastructure/controllers/kustomizeconfig.yaml",
            "nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - {path: spec/valuesFrom/name, kind: HelmRelease}\n"
        )
        try directory.write(
            "infrastructure/controllers/tenant-chart.yaml",
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: tenant-chart, namespace: flux-system}\nspec: {interval: 1h, url: oci://ghcr.io/acme/charts/tenant, ref: {tag: 1.0.0}}\n"
        )
        try directory.write(
            "infrastructure/controllers/repository.yaml",
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts, namespace: flux-system}\nspec: {interval: 1h, url: https://charts.example.com}\n"
        )
        try directory.write(
            "infrastructure/controllers/ingress-values.yaml", "replicaCount: 2\nservice: {type: LoadBalancer}\n")
        try directory.write(
            "infrastructure/controllers/ingress.yaml",
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: ingress}
            ---
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            metadata: {name: ingress-nginx, namespace: ingress}
            spec:
              interval: 1h
              chart:
                spec: {chart: ingress-nginx, version: 4.10.0, sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}}
              valuesFrom: [{kind: ConfigMap, name: ingress-values, valuesKey: values.yaml}]

            """)
        try directory.write(
            "tenants/base/kustomization.yaml", "resources: [./namespace.yaml, ./app.yaml, ./release.yaml]\n")
        // Each tenant's release follows one chart source in flux-system, from the tenant's namespace.
        try directory.write(
            "tenants/base/release.yaml",
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: extras}\nspec:\n  interval: 1h\n  chartRef: {kind: OCIRepository, name: tenant-chart, namespace: flux-system}\n"
        )
        try directory.write(
            "tenants/base/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${TENANT}\n")
        try directory.write(
            "tenants/base/app.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: ${TENANT}
            spec:
              replicas: ${REPLICAS:=1}
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: ghcr.io/acme/web:1.0.0}]}

            """)
        for environment in ["staging", "production"] {
            let cluster = "clusters/\(environment)"
            try directory.write(
                "\(cluster)/flux-system/gotk-sync.yaml",
                """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: GitRepository
                metadata: {name: flux-system, namespace: flux-system}
                spec: {interval: 1m, ref: {branch: main}, url: https://git.example.com/acme/fleet}
                ---
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: flux-system, namespace: flux-system}
                spec: {interval: 10m, path: ./\(cluster), prune: true, sourceRef: {kind: GitRepository, name: flux-system}}

                """)
            try directory.write("\(cluster)/flux-system/kustomization.yaml", "resources: [gotk-sync.yaml]\n")
            try directory.write(
                "\(cluster)/infrastructure.yaml",
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: infra-controllers, namespace: flux-system}
                spec:
                  interval: 1h
                  path: ./infrastructure/controllers
                  prune: true
                  sourceRef: {kind: GitRepository, name: flux-system}
                  patches:
                  - target: {kind: HelmRelease, name: ingress-nginx}
                    patch: '[{"op": "add", "path": "/spec/values", "value": {"env": "\(environment)"}}]'

                """)
            for spoke in ["east", "west"] {
                for tenant in ["team-a", "team-b"] {
                    try directory.write(
                        "\(cluster)/tenants/\(spoke)-\(tenant).yaml",
                        """
                        apiVersion: kustomize.toolkit.fluxcd.io/v1
                        kind: Kustomization
                        metadata: {name: \(spoke)-\(tenant), namespace: flux-system}
                        spec:
                          interval: 1h
                          path: ./tenants/base
                          prune: true
                          sourceRef: {kind: GitRepository, name: flux-system}
                          dependsOn: [{name: infra-controllers}]
                          targetNamespace: \(tenant)
                          kubeConfig: \(spoke == "west" ? "{secretRef: {name: \(spoke)-kubeconfig}}" : "null")
                          components: [../../components/monitoring]
                          images: [{name: ghcr.io/acme/web, newTag: \(environment == "staging" ? "1.1.0" : "1.0.0")}]
                          postBuild:
                            substitute: {TENANT: \(tenant), REPLICAS: "\(spoke == "east" ? 2 : 3)"}

                        """)
                }
            }
            try directory.write(
                "\(cluster)/tenants/kustomization.yaml",
                "resources: [east-team-a.yaml, east-team-b.yaml, west-team-a.yaml, west-team-b.yaml]\n")
            try directory.write(
                "\(cluster)/kustomization.yaml",
                "resources: [./flux-system, ./infrastructure.yaml, ./tenants]\n")
        }
    }
}
