import ArgumentParser

/// The formats a command offers for `-o/--output`: what the help says of them, and the one used when
/// none is given.
protocol OutputChoice: ExpressibleByArgument, CaseIterable, Equatable {
    static var fallback: Self { get }
    /// The help's words after "Output format: ".
    static var help: String { get }
}

/// `-o/--output FORMAT`, declared once for every command that prints a report.
struct OutputOptions<Format: OutputChoice>: ParsableArguments {
    @Option(
        name: [.customLong("output"), .customShort("o")],
        help: ArgumentHelp("Output format: \(Format.help)", valueName: "FORMAT"))
    var format: Format = .fallback
}

/// `-o text|json`. `table` is accepted as another name for `text`.
enum OutputFormat: String, OutputChoice {
    case text, json

    static let fallback = OutputFormat.text
    static let help = "text or json."

    init?(argument: String) {
        switch argument {
        case "text", "table": self = .text
        case "json": self = .json
        default: return nil
        }
    }
}

extension OutputOptions where Format == OutputFormat {
    /// The report as JSON for scripts, or as the text `text` makes of it for people.
    func render<Report: Encodable>(_ report: Report, text: (Report) -> String) throws -> String {
        format == .json ? try Terminal.json(report) : text(report)
    }
}
