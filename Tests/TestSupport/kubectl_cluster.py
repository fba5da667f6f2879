#!/usr/bin/env python3
"""A scripted kubectl with state, for teardown tests (no Kubernetes API server runs on the build machines).

State lives in $LOCKMASTER_CLUSTER_STATE/<context>/: objects/<Kind>_<namespace>_<name>.json, namespaces.json,
and log (one line per change). A context without a directory cannot be reached. An object with finalizers,
once deleted, stays (with a deletionTimestamp) for its "_polls" further reads, or forever when that is -1.
"""
import glob, json, os, sys

KINDS = {"kustomizations": "Kustomization", "helmreleases": "HelmRelease", "gitrepositories": "GitRepository",
         "ocirepositories": "OCIRepository", "helmrepositories": "HelmRepository", "buckets": "Bucket"}
args = sys.argv[1:]
if args[:1] != ["--context"]:
    sys.exit("expected --context")
context, args = args[1], args[2:]
if "--request-timeout" in args:
    i = args.index("--request-timeout"); del args[i:i + 2]
root = os.path.join(os.environ["LOCKMASTER_CLUSTER_STATE"], context)
if not os.path.isdir(root):
    sys.stderr.write("Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout\n"); sys.exit(1)
objects_dir = os.path.join(root, "objects")

def option(name, default=None):
    return args[args.index(name) + 1] if name in args else default

def kind_of(resource):
    return KINDS.get(resource.split(".")[0], resource)

def path(kind, namespace, name):
    return os.path.join(objects_dir, f"{kind}_{namespace}_{name}.json")

def log(line):
    with open(os.path.join(root, "log"), "a") as f: f.write(line + "\n")

verb = args[0]
if verb == "get" and args[1] == "namespaces":
    try: spaces = json.load(open(os.path.join(root, "namespaces.json")))
    except FileNotFoundError: spaces = {"kube-system": "Active", "flux-system": "Active"}
    print(json.dumps({"items": [{"metadata": {"name": n}, "status": {"phase": p}} for n, p in spaces.items()]}))
elif verb == "get" and "--all-namespaces" in args:
    kinds = {kind_of(r) for r in args[1].split(",")}
    items = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(objects_dir, "*.json")))]
    print(json.dumps({"apiVersion": "v1", "kind": "List", "items": [i for i in items if i["kind"] in kinds]}))
elif verb == "get":
    kind, name, namespace = kind_of(args[1]), args[2], option("--namespace", "default")
    file = path(kind, namespace, name)
    if not os.path.exists(file):
        sys.stderr.write(f'Error from server (NotFound): {args[1]} "{name}" not found\n'); sys.exit(1)
    item = json.load(open(file))
    polls = item.get("_polls", 0)
    if item["metadata"].get("deletionTimestamp") and polls != -1:
        if polls <= 0:
            os.remove(file); sys.stderr.write(f'Error from server (NotFound): {args[1]} "{name}" not found\n'); sys.exit(1)
        item["_polls"] = polls - 1
        json.dump(item, open(file, "w"))
    print(json.dumps(item))
elif verb == "delete":
    kind, name, namespace = kind_of(args[1]), args[2], option("--namespace", "default")
    file = path(kind, namespace, name)
    log(f"delete {kind}/{namespace}/{name}")
    if os.path.exists(file):
        item = json.load(open(file))
        if item["metadata"].get("finalizers"):
            item["metadata"]["deletionTimestamp"] = "2026-01-02T03:04:05Z"; json.dump(item, open(file, "w"))
        else:
            os.remove(file)
elif verb == "patch":
    kind, name, namespace = kind_of(args[1]), args[2], option("--namespace", "default")
    file = path(kind, namespace, name)
    patch = json.loads(option("--patch"))
    log(f"patch {kind}/{namespace}/{name} {json.dumps(patch, separators=(',', ':'))}")
    item = json.load(open(file))
    item.setdefault("spec", {}).update(patch.get("spec", {}))
    json.dump(item, open(file, "w"))
else:
    sys.exit(f"unsupported: {' '.join(args)}")
