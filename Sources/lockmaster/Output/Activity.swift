import Foundation

/// A line on a terminal's stderr while something slow runs: after a second without a result it says
/// what Lockmaster is waiting for, and it is erased before the result is printed. Nothing is shown
/// when stderr is not a terminal (CI logs, pipes) or with --quiet, and never on stdout, where data goes.
enum Activity {
    /// How long work runs before the line appears: quick commands print nothing extra.
    static let delay: Duration = .seconds(1)

    static func during<T>(_ message: String, _ body: () async throws -> T) async throws -> T {
        guard isatty(STDERR_FILENO) == 1, !Terminal.quiet else { return try await body() }
        let line = Line()
        let timer = Task {
            try await Task.sleep(for: delay)
            line.draw("\(message)…")
        }
        defer {
            timer.cancel()
            line.erase()
        }
        return try await body()
    }

    /// The line's state, so that it is never drawn after it was erased.
    private final class Line: @unchecked Sendable {
        private let lock = NSLock()
        private var drawn = false, finished = false

        func draw(_ text: String) {
            lock.withLock {
                guard !finished else { return }
                Terminal.err(text)
                drawn = true
            }
        }

        func erase() {
            lock.withLock {
                finished = true
                if drawn { Terminal.errControl("\r\u{1B}[K") }
            }
        }
    }
}
