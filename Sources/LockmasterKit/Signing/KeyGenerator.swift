import Artifacts
public import Foundation
import Support

/// What `lockmaster keygen` wrote (`-o json`).
public struct KeygenReport: Sendable, Codable, Equatable {
    public var privateKey: String
    public var publicKey: String
    /// `SHA256:<base64>` of the public key.
    public var fingerprint: String
    public var encrypted: Bool
}

/// Writes a new ECDSA P-256 key pair: `<prefix>.key` (PKCS#8 PEM, mode 0600, encrypted when a
/// passphrase is given) and `<prefix>.pub` (PKIX PEM, the `cosign.pub` of Flux's verify Secret).
public enum KeyGenerator {
    public static func run(prefix: URL, passphrase: String?) throws -> KeygenReport {
        let privateURL = URL(fileURLWithPath: prefix.path + ".key")
        let publicURL = URL(fileURLWithPath: prefix.path + ".pub")
        for url in [privateURL, publicURL] where FileKind.at(url.path) != nil {
            throw SigningError.exists(path: url.path)
        }
        // `--output keys/platform` in a fresh repository: the directory is made, as the README shows.
        try FileManager.default.createDirectory(
            at: privateURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let key = SigningKey.generate()
        let encrypted = !(passphrase ?? "").isEmpty
        try AtomicFile.write(Data(try key.pem(passphrase: passphrase).utf8), to: privateURL, permissions: 0o600)
        do {
            try AtomicFile.write(Data(key.publicKey.pem.utf8), to: publicURL, permissions: 0o644)
        } catch {
            try? FileManager.default.removeItem(at: privateURL)  // nothing half-written
            throw error
        }
        return KeygenReport(
            privateKey: privateURL.path, publicKey: publicURL.path, fingerprint: key.publicKey.fingerprint,
            encrypted: encrypted)
    }
}

/// Renders what `keygen` wrote for a terminal.
public enum KeygenTextFormatter {
    public static func format(_ report: KeygenReport) -> String {
        """
        wrote \(report.privateKey) (private key, mode 0600\(report.encrypted ? ", encrypted" : ", not encrypted: keep it in a secret store"))
        wrote \(report.publicKey) (public key \(report.fingerprint))

        """
    }
}
