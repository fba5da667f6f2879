import Foundation

/// `--verbose`: every external program Lockmaster runs and every registry request it sends, one line
/// each on stderr. Arguments and URLs only: credentials travel in the environment, on stdin or in
/// headers, never in argv or a URL, and query strings (upload session state) are left out.
public enum Trace {
    /// Set once at startup, before any process runs or request is sent; nil means no trace.
    nonisolated(unsafe) public static var sink: (@Sendable (String) -> Void)?

    static func record(_ invocation: ProcessInvocation) {
        guard let sink else { return }
        let directory = invocation.workingDirectory.map { " (in \($0.path))" } ?? ""
        sink("+ \(invocation.commandLine)\(directory)")
    }

    /// A registry request and its outcome: `> GET https://host/v2/repo/manifests/1.0.0 → 200`.
    public static func request(_ method: String, _ url: String, outcome: String) {
        guard let sink else { return }
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        sink("> \(method) \(path) → \(outcome)")
    }
}
