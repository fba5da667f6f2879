import Foundation

/// Flags every command takes — `--color`, `--quiet`, `--verbose` — taken out of the arguments in `main`
/// before the commands parse the rest, so that no command has to declare them.
struct GlobalOptions {
    var colour: Colour.Mode
    var quiet: Bool
    var verbose: Bool

    /// Removes the global flags (before a `--`): `--color X` / `--color=X`, `--quiet`, `--verbose`.
    static func extract(from arguments: [String]) throws(GlobalOptionError) -> (options: GlobalOptions, rest: [String]) {
        var mode = Colour.Mode.auto
        var quiet = false, verbose = false
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { rest += arguments[index...]; break }
            if argument == "--quiet" || argument == "--verbose" {
                if argument == "--quiet" { quiet = true } else { verbose = true }
            } else if argument == "--color" || argument.hasPrefix("--color=") {
                let value: String
                if argument == "--color" {
                    guard index + 1 < arguments.count else { throw GlobalOptionError(value: nil) }
                    value = arguments[index + 1]
                    index += 1
                } else {
                    value = String(argument.dropFirst("--color=".count))
                }
                guard let parsed = Colour.Mode(rawValue: value) else { throw GlobalOptionError(value: value) }
                mode = parsed
            } else {
                rest.append(argument)
            }
            index += 1
        }
        if quiet, verbose { throw GlobalOptionError(value: nil, message: "--quiet and --verbose exclude each other") }
        return (GlobalOptions(colour: mode, quiet: quiet, verbose: verbose), rest)
    }
}

/// A global flag used wrongly: a usage error (exit 64).
struct GlobalOptionError: Error, CustomStringConvertible {
    var value: String?
    var message: String?
    var description: String {
        message ?? "--color takes one of auto, always, never" + (value.map { " (not '\($0)')" } ?? "")
    }
}
