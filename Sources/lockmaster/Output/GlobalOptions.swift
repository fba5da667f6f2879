import ArgumentParser
import Foundation

/// Flags every command takes — `--color`, `--quiet`, `--verbose` — before or after the command name.
/// The root command declares the group, so its parse takes them from anywhere in the arguments; each
/// command declares it too, and ArgumentParser hands it the root's value (and shows it in its help).
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("color"),
        help: ArgumentHelp(
            "Colour the text of check, diff and status; auto: on a terminal, unless NO_COLOR is set or TERM is dumb.",
            valueName: "when"))
    var colour: Colour.Mode = .auto

    @Flag(help: "Leave out progress and success notices on stderr; warnings and errors stay.")
    var quiet = false

    @Flag(help: "Print every external command and registry request on stderr before it runs.")
    var verbose = false

    func validate() throws {
        if quiet, verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    /// The output context these flags make for a run whose stdout is (or is not) a terminal.
    func context(environment: [String: String], stdoutIsTerminal: Bool) -> OutputContext {
        OutputContext(
            colour: Colour.resolve(colour, environment: environment, stdoutIsTerminal: stdoutIsTerminal), quiet: quiet)
    }
}

extension Colour.Mode: ExpressibleByArgument {}

/// A command that runs: it carries the global flags, which `main` turns into the run's output context.
protocol GlobalOptionsCommand {
    var global: GlobalOptions { get }
}
