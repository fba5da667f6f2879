public import ArgumentParser
public import Artifacts
import Foundation
public import LockmasterKit

/// How to reach the artifact repository: `--insecure`, `--username`, `--password-stdin`.
struct RegistryOptions: ParsableArguments {
    @Flag(help: "Allow plain HTTP to a registry that is not on this machine (loopback hosts always may).")
    var insecure = false

    @Option(
        help: ArgumentHelp(
            "Registry user name; the password is read from standard input (--password-stdin).", valueName: "NAME"))
    var username: String?

    @Flag(help: "Read the registry password or token from standard input.")
    var passwordStdin = false

    func validate() throws {
        if passwordStdin, username == nil { throw ValidationError("--password-stdin needs --username") }
        if username != nil, !passwordStdin {
            throw ValidationError("--username needs --password-stdin (passwords are never taken as arguments)")
        }
    }

    /// The access a command uses; reads the password from stdin when asked.
    func access() -> RegistryAccess {
        var credentials: RegistryCredentials?
        if let username, passwordStdin {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let password = String(decoding: input, as: UTF8.self).trimmingCharacters(in: .newlines)
            credentials = RegistryCredentials(username: username, password: password)
        }
        return RegistryAccess(insecure: insecure, credentials: credentials)
    }
}

extension VersionBump: ExpressibleByArgument {}
extension DangerSeverity: ExpressibleByArgument {}
