public import Artifacts
public import Foundation
public import Platform
import Support

/// Why a signing or trusted key could not be used. Messages name the file, never its bytes.
public enum SigningError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case key(path: String, SigningKeyError)
    case trustedKeyOutside(path: String)
    case noTrustedKeys
    case exists(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the key \(path): \(reason)"
        case .key(let path, let error): return "\(path): \(error)"
        case .trustedKeyOutside(let path):
            return
                "signing.trustedKeys: \(path) is not a regular file inside the repository (no symlinks, no '..'); commit the public key and name its path"
        case .noTrustedKeys:
            return
                "no trusted keys: add the public key to the repository and list it under signing.trustedKeys in lockmaster.yaml, or pass --key FILE"
        case .exists(let path):
            return "\(path) exists; keygen never replaces a key: move it away or pass another --output"
        }
    }
}

/// Where keys come from: the private key publish signs with, the public keys verification trusts.
public enum SigningKeys {
    /// The private key named by `--sign-key`, else `LOCKMASTER_SIGNING_KEY`, else `signing.key` (relative
    /// to the repository); nil when none is named. `env://NAME` reads the PEM from variable NAME. The passphrase is `passphrase` (read from stdin by the
    /// command line), else `LOCKMASTER_SIGNING_PASSWORD`.
    public static func signingKey(
        explicit: String?, settings: LockmasterSettings, root: URL, environment: [String: String],
        passphrase: String?
    ) throws -> SigningKey? {
        let named =
            explicit.map { ($0, FileManager.default.currentDirectoryPath) }
            ?? environment["LOCKMASTER_SIGNING_KEY"].flatMap {
                $0.isEmpty ? nil : ($0, FileManager.default.currentDirectoryPath)
            }
            ?? settings.signing.key.map { ($0, root.path) }
        guard let (path, base) = named else { return nil }
        let text: String
        if path.hasPrefix("env://") {
            // cosign's form: the PEM itself in a variable, so a CI secret never touches the disk.
            guard let value = environment[String(path.dropFirst(6))], !value.isEmpty else {
                throw SigningError.unreadable(path: path, reason: "the variable is not set")
            }
            text = value
        } else {
            do {
                text = try String(contentsOf: expand(path, base: base, home: environment["HOME"]), encoding: .utf8)
            } catch {
                throw SigningError.unreadable(
                    path: path,
                    reason: (error as NSError).localizedFailureReason ?? "no such file, or not readable text")
            }
        }
        let secret = passphrase ?? environment["LOCKMASTER_SIGNING_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        do { return try SigningKey(pem: text, passphrase: secret) } catch { throw SigningError.key(path: path, error) }
    }

    /// The public keys `signing.trustedKeys` names: regular files inside the repository, since a branch
    /// under review decides these paths. `explicit` (`--key`) paths replace them and may be anywhere.
    public static func trusted(settings: LockmasterSettings, root: URL, explicit: [String] = []) throws -> [PublicKey] {
        if !explicit.isEmpty {
            return try explicit.map { path in
                let url = expand(
                    path, base: FileManager.default.currentDirectoryPath,
                    home: ProcessInfo.processInfo.environment["HOME"])
                guard let data = FileManager.default.contents(atPath: url.path),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw SigningError.unreadable(path: path, reason: "no such file, or not readable text")
                }
                return try publicKey(text, path: path)
            }
        }
        return try settings.signing.trustedKeys.map { path in
            guard let text = RepositoryFile.text(path, in: root, limit: 64 << 10) else {
                throw SigningError.trustedKeyOutside(path: path)
            }
            return try publicKey(text, path: path)
        }
    }

    private static func publicKey(_ text: String, path: String) throws(SigningError) -> PublicKey {
        do throws(SigningKeyError) { return try PublicKey(pem: text, name: path) } catch {
            throw .key(path: path, error)
        }
    }

    static func expand(_ path: String, base: String, home: String?) -> URL {
        if path == "~" || path.hasPrefix("~/"), let home { return URL(fileURLWithPath: home + path.dropFirst()) }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base, isDirectory: true)).standardizedFileURL
    }
}
