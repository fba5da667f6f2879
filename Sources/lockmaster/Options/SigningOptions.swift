import ArgumentParser
import Foundation

/// How a command gets a signing key's passphrase: `--passphrase-stdin`, else `LOCKMASTER_SIGNING_PASSWORD`.
/// Never an argument, so it stays out of shell history and process listings.
struct PassphraseOptions: ParsableArguments {
    @Flag(help: "Read the signing key's passphrase from standard input (else LOCKMASTER_SIGNING_PASSWORD).")
    var passphraseStdin = false

    /// The first line of standard input when asked; nil otherwise.
    func passphrase() -> String? {
        guard passphraseStdin else { return nil }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: input, as: UTF8.self).split(
            separator: "\n", maxSplits: 1, omittingEmptySubsequences: false
        ).first.map {
            String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
    }
}
