import Foundation
import LockmasterKit
import Platform
import Support

/// Where commands write: data to stdout, diagnostics to stderr.
enum Terminal {
    /// Writes data, made inert (`Inert.output`): values from a repository or a registry cannot drive the
    /// terminal or start a workflow command.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(Inert.output(text).utf8))
    }

    /// Writes marked text for people: painted on a terminal (`--color`), plain elsewhere; inert either way.
    static func out(_ text: StyledText) {
        FileHandle.standardOutput.write(Data(Colour.paint(text).utf8))
    }

    /// Writes lines that are GitHub workflow commands by design (`check -o github`); their values are
    /// escaped by the formatter.
    static func outWorkflowCommands(_ text: String) {
        FileHandle.standardOutput.write(Data(Inert.text(text).utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(Inert.output(text).utf8))
    }

    /// Lockmaster's own terminal controls (erasing a progress line): written as they are.
    static func errControl(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `--quiet`: the run's `OutputContext`.
    static var quiet: Bool { OutputContext.current.quiet }

    /// Progress and success notices on stderr, left out with --quiet (warnings and errors never are).
    static func progress(_ text: String) {
        if !quiet { err(text) }
    }

    /// A progress callback for a library, which may call it from any thread (a hook's output arrives
    /// on the process runner's): it carries this run's output context with it.
    static func progressLines() -> @Sendable (String) -> Void {
        let context = OutputContext.current
        return { line in OutputContext.$current.withValue(context) { progress(line + "\n") } }
    }

    /// Hook output goes to stderr: stdout is for data.
    @Sendable static func errData(_ data: Data) {
        FileHandle.standardError.write(data)
    }

    /// A progress line on stderr for uploads over 4 MiB, only when stderr is a terminal.
    static func uploadProgress() -> (@Sendable (UInt64, UInt64) -> Void)? {
        guard isatty(STDERR_FILENO) == 1, !quiet else { return nil }
        return { sent, total in
            guard total > 4 << 20 else { return }
            let line = String(format: "\ruploading the layer  %.1f / %.1f MB", Double(sent) / 1e6, Double(total) / 1e6)
            errControl(line + (sent >= total ? "\n" : ""))
        }
    }

    /// Pretty JSON with sorted keys and a final newline, so the shape is stable for scripts.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
