/// Renders what `lockmaster init` did for a terminal.
public enum InitTextFormatter {
    public static func format(_ result: InitResult) -> String {
        if result.alreadyInitialized {
            return "\(result.directory) is already initialised; nothing changed\n"
        }
        var lines: [String] = []
        if result.initializedGit { lines.append("initialised a git repository in \(result.directory)") }
        lines += result.created.map { "created   \($0)" }
        lines += result.unchanged.map { "kept      \($0)" }
        lines.append("next: commit, then bootstrap each cluster with flux bootstrap git --path clusters/<environment>")
        return lines.joined(separator: "\n") + "\n"
    }
}
