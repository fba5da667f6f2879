#!/usr/bin/env python3
"""A platform repository shaped like the Flux estates teams run (seeded, so every run writes the same).

Three clusters. Each cluster's directory holds the `flux bootstrap` sync files, a ConfigMap of cluster
settings, and a root Flux Kustomization `cluster-apps` that builds `kubernetes/<cluster>/apps`: ten
namespace directories whose kustomization lists a Namespace and each app's `ks.yaml`, three levels deep.
Each app's `ks.yaml` is a Flux Kustomization over the app's own directory (a HelmRelease whose chart is
an OCIRepository through `chartRef`), with `targetNamespace`, a shared component (a ConfigMap named after the app), `dependsOn` a
neighbour, `postBuild.substituteFrom` the cluster settings and `postBuild.substitute` of its name.
About 250 kustomization directories and 1,100 YAML files.

    benchmarks/estate.py DIR [--apps N]   # N apps per cluster (default 80)
"""
import argparse
import os
import random

CLUSTERS = ["development", "staging", "production"]
NAMESPACES = ["media", "network", "observability", "databases", "security", "home", "tools", "storage", "ai", "games"]


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


def cluster(root, name, apps, rng):
    write(root, f"clusters/{name}/flux-system/gotk-sync.yaml", f"""---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  secretRef:
    name: flux-system
  url: ssh://git@github.com/acme/home-ops
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/{name}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
""")
    write(root, f"clusters/{name}/flux-system/kustomization.yaml", """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - gotk-sync.yaml
""")
    write(root, f"clusters/{name}/vars/cluster-settings.yaml", f"""---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-settings
  namespace: flux-system
data:
  CLUSTER_NAME: {name}
  CLUSTER_DOMAIN: {name}.example.com
  TIMEZONE: Europe/Paris
  STORAGE_CLASS: ceph-block
""")
    write(root, f"clusters/{name}/apps.yaml", f"""---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster-apps
  namespace: flux-system
spec:
  interval: 30m
  path: ./kubernetes/{name}/apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: cluster-settings
""")
    per_namespace = {ns: [] for ns in NAMESPACES}
    for i in range(apps):
        per_namespace[NAMESPACES[i % len(NAMESPACES)]].append(f"app-{i:03d}")
    write(root, f"kubernetes/{name}/apps/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
          + "".join(f"  - ./{ns}\n" for ns in NAMESPACES))
    for ns, names in per_namespace.items():
        base = f"kubernetes/{name}/apps/{ns}"
        write(root, f"{base}/namespace.yaml", f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n")
        write(root, f"{base}/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./namespace.yaml\n"
              + "".join(f"  - ./{app}/ks.yaml\n" for app in names))
        for index, app in enumerate(names):
            extra = f"\n      REPLICAS: \"{rng.randint(1, 3)}\"" if rng.random() < 0.4 else ""
            depends = f"\n  dependsOn:\n    - name: {names[index - 1]}" if index > 0 else ""
            write(root, f"{base}/{app}/ks.yaml", f"""---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {app}
  namespace: flux-system
spec:
  targetNamespace: {ns}
  commonMetadata:
    labels:
      app.kubernetes.io/name: {app}
  components:
    - ../../../../../components/common
  path: ./{base}/{app}/app
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  wait: false
  interval: 30m
  timeout: 5m{depends}
  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: cluster-settings
    substitute:
      APP: {app}{extra}
""")
            write(root, f"{base}/{app}/app/kustomization.yaml", """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ./ocirepository.yaml
  - ./helmrelease.yaml
""")
            write(root, f"{base}/{app}/app/ocirepository.yaml", f"""---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: {app}
spec:
  interval: 1h
  layerSelector:
    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip
    operation: copy
  ref:
    tag: {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}
  url: oci://ghcr.io/acme/charts/{app}
""")
            write(root, f"{base}/{app}/app/helmrelease.yaml", f"""---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {app}
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: {app}
  install:
    remediation:
      retries: -1
  upgrade:
    cleanupOnFail: true
    remediation:
      retries: 3
  values:
    controllers:
      {app}:
        replicas: 1
        containers:
          app:
            image:
              repository: ghcr.io/acme/{app}
              tag: {rng.randint(1, 5)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}
            env:
              TZ: ${{TIMEZONE}}
            resources:
              requests:
                cpu: {rng.choice([10, 50, 100])}m
              limits:
                memory: {rng.choice([128, 256, 512, 1024])}Mi
    ingress:
      app:
        hosts:
          - host: {app}.${{CLUSTER_DOMAIN}}
    persistence:
      config:
        storageClass: ${{STORAGE_CLASS}}
        size: {rng.choice([1, 2, 5, 10])}Gi
""")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root")
    parser.add_argument("--apps", type=int, default=80)
    parser.add_argument("--seed", type=int, default=16)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    for name in CLUSTERS:
        cluster(arguments.root, name, arguments.apps, rng)
    write(arguments.root, "kubernetes/components/common/kustomization.yaml", """apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - ./alerts.yaml
labels:
  - pairs:
      app.kubernetes.io/managed-by: flux
""")
    write(arguments.root, "kubernetes/components/common/alerts.yaml", """---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${APP}-alerts
data:
  severity: warning
""")


if __name__ == "__main__":
    main()
