import ArgumentParser

/// `-o text|json`. `table` is accepted as another name for `text`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json

    init?(argument: String) {
        switch argument {
        case "text", "table": self = .text
        case "json": self = .json
        default: return nil
        }
    }
}
