/// How this run writes for people: colour, and whether progress notices are left out. Decided once in
/// `main` from the global flags and the terminal, and read through the task tree (a task-local value,
/// not a mutable global).
struct OutputContext: Sendable {
    /// `--color`, `NO_COLOR` and whether stdout is a terminal, resolved.
    var colour = false
    /// `--quiet`: progress and success notices are left out; warnings and errors never are.
    var quiet = false

    @TaskLocal static var current = OutputContext()
}
