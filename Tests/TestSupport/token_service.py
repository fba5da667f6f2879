"""Token service for the CNCF distribution registry's token authentication, for tests only.

Usage: token_service.py PORT DIR USERNAME PASSWORD SERVICE ISSUER
Writes DIR/cert.pem (a fresh self-signed certificate the registry trusts), then serves
GET /token?service=...&scope=... : with the right basic credentials it grants every scope asked
for; anonymous requests get a token with no access; wrong credentials get 401.
"""
import base64, datetime, http.server, json, os, sys, time, uuid, urllib.parse
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

port, directory, username, password, service, issuer = sys.argv[1:7]
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lockmaster-test-token")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
with open(os.path.join(directory, "cert.pem"), "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
chain = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(subject, access):
    header = {"typ": "JWT", "alg": "RS256", "x5c": chain}
    issued = int(time.time())
    claims = {"iss": issuer, "sub": subject, "aud": service, "exp": issued + 300, "nbf": issued - 10,
              "iat": issued, "jti": str(uuid.uuid4()), "access": access}
    signing_input = (b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())).encode()
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return signing_input.decode() + "." + b64(signature)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path != "/token":
            self.send_error(404)
            return
        query = urllib.parse.parse_qs(url.query)
        subject, access = "", []
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            if (user, secret) != (username, password):
                self.send_response(401)
                self.end_headers()
                return
            subject = user
            for scope in query.get("scope", []):
                kind, _, rest = scope.partition(":")
                repository, _, actions = rest.rpartition(":")
                access.append({"type": kind, "name": repository, "actions": actions.split(",")})
        body = json.dumps({"token": token(subject, access), "expires_in": 300}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


http.server.HTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
