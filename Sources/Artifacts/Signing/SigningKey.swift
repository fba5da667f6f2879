import Crypto
public import Foundation

/// Why a key could not be read or written. None of them quotes the key's bytes.
public enum SigningKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case notPEM
    case cosignFormat
    case unsupportedLabel(String)
    case privateWherePublic
    case needsPassphrase
    case wrongPassphrase
    case notP256
    case unsupportedEncryption(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .notPEM:
            return "not a PEM key (expected -----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----)"
        case .cosignFormat:
            return
                "this is a key in cosign's own encrypted format, which only cosign reads; make a PKCS#8 key with lockmaster keygen "
                + "(or openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256) and import it into cosign with cosign import-key-pair"
        case .privateWherePublic:
            return
                "this is a private key, where a public key belongs: trust its public half instead (keygen writes it as PREFIX.pub; "
                + "openssl pkey -pubout prints it), and if this file is committed, make a new key pair"
        case .unsupportedLabel(let label):
            return "a PEM '\(label)' block is not an ECDSA P-256 key"
        case .needsPassphrase:
            return "the key is encrypted: set LOCKMASTER_SIGNING_PASSWORD, or pass --passphrase-stdin"
        case .wrongPassphrase:
            return "the passphrase does not decrypt the key"
        case .notP256:
            return "the key is not an ECDSA P-256 key (cosign and Flux's verifier use P-256)"
        case .unsupportedEncryption(let what):
            return "the key's encryption is not supported: \(what)"
        case .malformed(let what):
            return "the key is malformed: \(what)"
        }
    }
}

/// One PEM block: its label and DER bytes.
struct PEMBlock {
    var label: String
    var der: Data

    /// The first block in `text`.
    init(_ text: String) throws(SigningKeyError) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else {
            throw .notPEM
        }
        let label = String(lines[begin].dropFirst(11).dropLast(5))
        guard let end = lines[begin...].firstIndex(of: "-----END \(label)-----") else { throw .notPEM }
        let body = lines[(begin + 1)..<end]
        // A header line ("Proc-Type: …") is the legacy OpenSSL encryption, not PKCS#8.
        if body.contains(where: { $0.contains(":") }) {
            throw .unsupportedEncryption("legacy OpenSSL PEM encryption; convert with openssl pkcs8 -topk8")
        }
        guard let der = Data(base64Encoded: body.joined()) else { throw .notPEM }
        self.label = label
        self.der = der
    }

    static func text(label: String, der: Data) -> String {
        let base64 = der.base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        return (lines + ["-----END \(label)-----"]).joined(separator: "\n") + "\n"
    }
}

/// An ECDSA P-256 private key: what cosign signs with and Flux's verifier checks against. Held as its
/// PKCS#8 bytes (the Crypto key types are not Sendable); never printed.
public struct SigningKey: Sendable, CustomStringConvertible {
    private let pkcs8: Data

    private init(pkcs8: Data) { self.pkcs8 = pkcs8 }

    public static func generate() -> SigningKey { SigningKey(pkcs8: P256.Signing.PrivateKey().derRepresentation) }

    /// Reads a PKCS#8 PEM key (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with `passphrase`) or a SEC 1
    /// `EC PRIVATE KEY` as openssl writes it.
    public init(pem text: String, passphrase: String?) throws(SigningKeyError) {
        let block = try PEMBlock(text)
        var der = block.der
        switch block.label {
        case "PRIVATE KEY", "EC PRIVATE KEY":
            break
        case "ENCRYPTED PRIVATE KEY":
            guard let passphrase else { throw .needsPassphrase }
            der = try EncryptedPrivateKey.decrypt(der, passphrase: passphrase)
        case "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY":
            throw .cosignFormat
        default:
            throw .unsupportedLabel(block.label)
        }
        do {
            let key =
                block.label == "EC PRIVATE KEY"
                ? try P256.Signing.PrivateKey(pemRepresentation: PEMBlock.text(label: "EC PRIVATE KEY", der: der))
                : try P256.Signing.PrivateKey(derRepresentation: der)
            pkcs8 = key.derRepresentation
        } catch {
            throw .notP256
        }
    }

    private var key: P256.Signing.PrivateKey { try! P256.Signing.PrivateKey(derRepresentation: pkcs8) }

    /// PKCS#8 PEM, encrypted when a non-empty passphrase is given.
    public func pem(passphrase: String?) throws -> String {
        guard let passphrase, !passphrase.isEmpty else { return PEMBlock.text(label: "PRIVATE KEY", der: pkcs8) }
        return PEMBlock.text(
            label: "ENCRYPTED PRIVATE KEY", der: try EncryptedPrivateKey.encrypt(pkcs8, passphrase: passphrase))
    }

    public var publicKey: PublicKey { PublicKey(der: key.publicKey.derRepresentation, name: "") }

    /// An ASN.1 DER ECDSA-SHA256 signature of `data`, as cosign stores it (base64, in an annotation).
    public func sign(_ data: Data) throws -> Data { try key.signature(for: data).derRepresentation }

    /// Never the key itself.
    public var description: String { "ECDSA P-256 private key (\(publicKey.fingerprint))" }
}

/// An ECDSA P-256 public key with the name it is known by (its path in the repository).
public struct PublicKey: Sendable, Equatable {
    /// The PKIX SubjectPublicKeyInfo bytes.
    public let der: Data
    public var name: String

    init(der: Data, name: String) {
        self.der = der
        self.name = name
    }

    /// Reads a PKIX `PUBLIC KEY` PEM block, the form of a Flux Secret's `cosign.pub`.
    public init(pem text: String, name: String) throws(SigningKeyError) {
        let block = try PEMBlock(text)
        guard block.label == "PUBLIC KEY" else {
            throw block.label.hasSuffix("PRIVATE KEY") ? .privateWherePublic : .unsupportedLabel(block.label)
        }
        do { der = try P256.Signing.PublicKey(derRepresentation: block.der).derRepresentation } catch { throw .notP256 }
        self.name = name
    }

    public var pem: String { PEMBlock.text(label: "PUBLIC KEY", der: der) }

    /// `SHA256:<base64>` of the DER public key, as ssh-keygen prints fingerprints: short enough to name a key.
    public var fingerprint: String {
        "SHA256:" + Data(SHA256.hash(data: der)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// Whether `signature` (ASN.1 DER) is this key's ECDSA-SHA256 signature of `data`.
    public func isValid(signature: Data, for data: Data) -> Bool {
        guard let key = try? P256.Signing.PublicKey(derRepresentation: der),
            let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature)
        else { return false }
        return key.isValidSignature(parsed, for: data)
    }
}
