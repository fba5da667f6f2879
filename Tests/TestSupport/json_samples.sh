#!/usr/bin/env bash
# Runs every command that has -o json against the demo's repository, in the states that give each
# optional field a value, and writes one file per run to OUT: COMMAND[.CASE].json.
# Usage: json_samples.sh OUT   (lockmaster on PATH; exit status 1 of a command with findings is expected)
set -euo pipefail
out=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
json() { local name=$1; shift; lockmaster "$@" -o json > "$out/$name.json" || [[ $? == 1 ]]; }
commit() { git add -A && git commit -q -m "$1"; }

# The demo renders with the real kubectl; the stand-in only answers get (status --live).
repo=$(LOCKMASTER_KUBECTL=kubectl lockmaster demo --keep | sed -n 's/^== The demo repository is kept at //p')
trap 'rm -rf "$scratch" "$(dirname "$repo")"' EXIT
cd "$repo"
git switch -q main
git branch -q -D rollback/production-0.1.0

json init.new init "$scratch/new" --git-url https://git.example.com/acme/new.git --artifact oci://registry.example.com/acme/new
json init.again init . --git-url https://git.example.com/acme/platform.git
git clone -q . "$scratch/estate" && rm "$scratch/estate/lockmaster.yaml"
mkdir -p "$scratch/estate/clusters/development/flux-system"
echo "# flux bootstrap writes this file" > "$scratch/estate/clusters/development/flux-system/gotk-sync.yaml"
json init-adopt init --adopt "$scratch/estate"
json status status
printf 'kind: [broken\n' > clusters/development/broken.yaml
json status.diagnostics status --offline
rm clusters/development/broken.yaml
mkdir -p clusters/production/flux-system
printf 'apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux, namespace: flux-system}\nspec:\n  distribution: {version: "2.x", registry: ghcr.io/fluxcd}\n  sync: {kind: GitRepository, url: "https://git.example.com/acme/platform.git", ref: refs/heads/main, path: clusters/production}\n' > clusters/production/flux-system/flux-instance.yaml
json status.instance status --offline
rm -r clusters/production/flux-system
if [[ -n ${LOCKMASTER_KUBECTL:-} ]]; then
    json status.live status --live --context development=dev-ctx --context staging=unreachable-ctx
fi
json history history
json resolve.range resolve staging
json resolve.pinned resolve production
json package package
json package.out package --out "$scratch/platform.tgz"
json render render staging

# A change on a sandbox: create, check, diff, list and the teardown plan.
json sandbox-create sandbox create OPS-200-json-shapes
sed -i 's/version: 2.14.1/version: 2.15.0/' platform/services/keda.yaml
commit "Upgrade KEDA to 2.15.0"
json check check
json diff diff --env development
json diff.versions diff --versions 0.1.0 0.1.1
sed -i 's/version: 2.15.0/version: 2.13.0/' platform/services/keda.yaml
LOCKMASTER_KUBECTL=kubectl json diff.dangers diff --env development --lane   # the real renderer: the stand-in only answers get
git checkout -q platform/services/keda.yaml
json sandbox-list sandbox list
json sandbox-extend sandbox extend OPS-200-json-shapes --ttl 3d
json sandbox-gc sandbox gc --now 2099-01-01T00:00:00Z
json sandbox-delete sandbox delete OPS-200-json-shapes
mkdir -p clusters/development/flux-system
{ echo "# lockmaster:ignore=sync-file-changed"; cat clusters/sandbox-ops-200-json-shapes/platform.yaml; } > clusters/development/flux-system/gotk-sync.yaml
json check.findings check --target main
rm -r clusters/development/flux-system

# Releases: a new version published, promoted, rolled back; an application promoted.
git switch -q main
git merge -q --no-ff -m "Merge OPS-200-json-shapes" OPS-200-json-shapes
key="$(dirname "$repo")/keys/cosign.key"
json publish.new publish --sign-key "$key"
json publish.again publish --sign-key "$key"
json keygen keygen --output "$scratch/keygen"
json verify verify production
json verify.unsigned verify 0.2.0-rc.1
json promote promote production 0.1.2
# 0.1.2 deleted from the artifact repository: staging's range falls back below what production pinned.
layout="$(dirname "$repo")/artifacts"
cp "$layout/index.json" "$scratch/index.json"
python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); d["manifests"]=[m for m in d["manifests"] if m.get("annotations",{}).get("org.opencontainers.image.ref.name")!="0.1.2"]; json.dump(d,open(p,"w"))' "$layout/index.json"
json resolve.downgrade resolve staging
json status.downgrade status
cp "$scratch/index.json" "$layout/index.json"
git switch -q main
json promote.rollback rollback production --to 0.1.0
git switch -q main
mkdir -p clusters/development/apps clusters/staging/apps
for environment in development:6.5.4 staging:6.5.0; do
    cat > "clusters/${environment%%:*}/apps/podinfo.yaml" <<YAML
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: "${environment#*:}"
      sourceRef: {kind: HelmRepository, name: podinfo, namespace: flux-system}
  values:
    replicaCount: 2
YAML
done
commit "Add podinfo"
json promote-app promote app podinfo --from development --to staging --values
