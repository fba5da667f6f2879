import Crypto
import Foundation
import _CryptoExtras

/// PKCS#8 `EncryptedPrivateKeyInfo` with PBES2 (RFC 8018): what `openssl pkcs8 -topk8 -v2 aes-256-cbc`
/// and Python's `cryptography` write. Lockmaster writes PBKDF2-HMAC-SHA256 with AES-256-CBC; it reads
/// the AES-CBC key sizes with the SHA-1, SHA-256, SHA-384 and SHA-512 PRFs.
enum EncryptedPrivateKey {
    /// Object identifiers (content bytes) of the algorithms involved.
    private enum OID {
        static let pbes2: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d]
        static let pbkdf2: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c]
        static let hmacPrefix: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02]
        static let aesCBCPrefix: [UInt8] = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01]
    }

    /// Iterations Lockmaster writes: OWASP's figure for PBKDF2-HMAC-SHA256.
    static let iterations = 600_000
    /// The most iterations read: a key file cannot make Lockmaster spin for minutes.
    static let maximumIterations = 10_000_000

    static func encrypt(_ pkcs8: Data, passphrase: String) throws -> Data {
        let salt = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let ivBytes = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Data(passphrase.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: iterations)
        let ciphertext = try AES._CBC.encrypt(pkcs8, using: key, iv: try AES._CBC.IV(ivBytes: ivBytes))
        let kdf = DER.sequence(
            DER.oid(OID.pbkdf2),
            DER.sequence(
                DER.octets(salt), DER.integer(iterations), DER.integer(32),
                DER.sequence(DER.oid(OID.hmacPrefix + [0x09]), DER.encode(.null, Data()))))
        let scheme = DER.sequence(DER.oid(OID.aesCBCPrefix + [0x2a]), DER.octets(ivBytes))
        return DER.sequence(DER.sequence(DER.oid(OID.pbes2), DER.sequence(kdf, scheme)), DER.octets(ciphertext))
    }

    static func decrypt(_ der: Data, passphrase: String) throws(SigningKeyError) -> Data {
        let top = try DER.parse(der).children()
        guard top.count == 2 else { throw .malformed("not an EncryptedPrivateKeyInfo") }
        let algorithm = try top[0].children()
        guard algorithm.count == 2, try algorithm[0].oid() == OID.pbes2 else {
            throw .unsupportedEncryption("only PBES2 (PKCS#5 v2) encryption is read")
        }
        let parameters = try algorithm[1].children()
        guard parameters.count == 2 else { throw .malformed("bad PBES2 parameters") }
        let kdf = try parameters[0].children()
        guard kdf.count == 2, try kdf[0].oid() == OID.pbkdf2 else {
            throw .unsupportedEncryption("only the PBKDF2 key derivation is read")
        }
        var kdfFields = try kdf[1].children()
        guard kdfFields.count >= 2 else { throw .malformed("bad PBKDF2 parameters") }
        let salt = try kdfFields.removeFirst().octets()
        let rounds = try kdfFields.removeFirst().integer()
        guard (1...maximumIterations).contains(rounds) else {
            throw .unsupportedEncryption("PBKDF2 with \(rounds) iterations")
        }
        var declaredLength: Int?
        if let next = kdfFields.first, next.tag == DER.Tag.integer.rawValue {
            declaredLength = try next.integer()
            kdfFields.removeFirst()
        }
        var hash = KDF.Insecure.PBKDF2.HashFunction.insecureSHA1
        if let prf = kdfFields.first {
            let fields = try prf.children()
            let oid = try fields.first?.oid() ?? []
            guard oid.count == OID.hmacPrefix.count + 1, oid.starts(with: OID.hmacPrefix) else {
                throw .unsupportedEncryption("an unknown PBKDF2 PRF")
            }
            switch oid.last! {
            case 0x07: hash = .insecureSHA1
            case 0x09: hash = .sha256
            case 0x0a: hash = .sha384
            case 0x0b: hash = .sha512
            default: throw .unsupportedEncryption("an unknown PBKDF2 PRF")
            }
        }
        let scheme = try parameters[1].children()
        guard scheme.count == 2 else { throw .malformed("bad encryption scheme") }
        let cipher = try scheme[0].oid()
        let keyLength: Int
        switch cipher {
        case OID.aesCBCPrefix + [0x02]: keyLength = 16
        case OID.aesCBCPrefix + [0x16]: keyLength = 24
        case OID.aesCBCPrefix + [0x2a]: keyLength = 32
        default: throw .unsupportedEncryption("only AES-CBC encryption is read")
        }
        guard declaredLength == nil || declaredLength == keyLength else {
            throw .malformed("PBKDF2 key length does not match the cipher")
        }
        let iv = try scheme[1].octets()
        let ciphertext = try top[1].octets()
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Data(passphrase.utf8), salt: salt, using: hash, outputByteCount: keyLength,
                unsafeUncheckedRounds: rounds)
            return try AES._CBC.decrypt(ciphertext, using: key, iv: try AES._CBC.IV(ivBytes: iv))
        } catch {
            // Bad padding is how a wrong passphrase shows.
            throw .wrongPassphrase
        }
    }
}
