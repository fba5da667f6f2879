#!/usr/bin/env python3
"""An independent check of a cosign tag-based signature, written from cosign's specs/SIGNATURE_SPEC.md
with the `cryptography` package: fetch <repo>:sha256-<hex>.sig from a registry over HTTP, check every
layer's payload against its digest, its claim against the artifact digest, and its
dev.cosignproject.cosign/signature annotation (base64 ASN.1 ECDSA-SHA256) against a PEM public key.

usage: cosign_verify.py HOST REPOSITORY DIGEST PUBLIC_KEY.pem
prints {"layers": N, "verified": M, "mediaTypes": [...]} and exits 0 when M > 0, else 1."""
import base64, hashlib, json, sys, urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key

host, repository, digest, key_path = sys.argv[1:5]
key = load_pem_public_key(open(key_path, "rb").read())
assert isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"


def get(path, accept=None):
    request = urllib.request.Request(f"http://{host}/v2/{repository}/{path}")
    if accept:
        request.add_header("Accept", accept)
    with urllib.request.urlopen(request) as response:
        return response.read()


manifest = json.loads(get("manifests/" + digest.replace(":", "-") + ".sig", "application/vnd.oci.image.manifest.v1+json"))
verified = 0
for layer in manifest["layers"]:
    payload = get("blobs/" + layer["digest"])
    if "sha256:" + hashlib.sha256(payload).hexdigest() != layer["digest"]:
        continue
    claim = json.loads(payload)["critical"]
    if claim["image"]["docker-manifest-digest"] != digest or claim["type"] != "cosign container image signature":
        continue
    signature = base64.b64decode(layer["annotations"]["dev.cosignproject.cosign/signature"])
    try:
        key.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
        verified += 1
    except InvalidSignature:
        pass
print(json.dumps({"layers": len(manifest["layers"]), "verified": verified, "mediaTypes": [l["mediaType"] for l in manifest["layers"]],
                  "configMediaType": manifest["config"]["mediaType"]}))
sys.exit(0 if verified else 1)
