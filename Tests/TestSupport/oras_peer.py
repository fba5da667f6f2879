"""The Python oras client as an independent peer of Lockmaster, for tests.

  oras_peer.py pull HOST REPO TAG OUTDIR    -> prints {"manifest": ..., "files": [...]}
  oras_peer.py push HOST REPO TAG LAYER CONFIG ANNOTATIONS_JSON
      pushes LAYER and CONFIG with Flux's media types and the given manifest annotations
"""
import json, os, sys
import oras.client

command, host, repository, tag = sys.argv[1:5]
client = oras.client.OrasClient(hostname=host, insecure=True)
target = f"{host}/{repository}:{tag}"
if command == "pull":
    outdir = sys.argv[5]
    files = client.pull(target=target, outdir=outdir)
    manifest = client.get_manifest(target)
    print(json.dumps({"manifest": manifest, "files": files}))
elif command == "push":
    layer, config, annotations = sys.argv[5], sys.argv[6], json.loads(sys.argv[7])
    os.chdir(os.path.dirname(layer))
    client.push(target=target, files=[os.path.basename(layer) + ":application/vnd.cncf.flux.content.v1.tar+gzip"],
                manifest_config=config + ":application/vnd.cncf.flux.config.v1+json",
                manifest_annotations=annotations, disable_path_validation=True, quiet=True)
else:
    sys.exit(f"unknown command {command}")
