import Foundation

/// `--verbose`: every external program Lockmaster runs, as one line on stderr before it starts.
/// Arguments only: credentials travel in the environment or on stdin, never in argv.
public enum ProcessTrace {
    /// Set once at startup, before any process runs; nil means no trace.
    nonisolated(unsafe) public static var sink: (@Sendable (String) -> Void)?

    static func record(_ invocation: ProcessInvocation) {
        guard let sink else { return }
        let directory = invocation.workingDirectory.map { " (in \($0.path))" } ?? ""
        sink("+ \(invocation.commandLine)\(directory)")
    }
}
