import Dispatch
import Foundation

/// Ctrl-C and SIGTERM without half-written changes.
///
/// Outside a write step a signal stops the process at once (exit 128 + signal): nothing is being
/// changed. Inside one (`Interruption.deferring`), the signal is held until the step has either
/// completed or rolled itself back, then the process stops. Child processes keep the default
/// disposition: a terminal's Ctrl-C still stops a `git commit` it reaches, and the step's own
/// rollback then puts the repository back.
public enum Interruption {
    private struct State {
        var depth = 0
        var pending: Int32?
        var sources: [any DispatchSourceSignal] = []
        var scratch: Set<URL> = []
        var stopping = false
    }
    private static let state = Locked(State())

    /// Takes over SIGINT and SIGTERM for the rest of the process. Call once, first thing.
    public static func install() {
        state.withLock { state in
            guard state.sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { received(number) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// Waits for the exit a signal has begun, when one has: the work that ends meanwhile (often with an
    /// error, its scratch directory being removed under it) must not exit first with another status.
    public static func holdIfStopping() {
        while state.withLock({ $0.stopping }) { usleep(50_000) }
    }

    /// Waits up to half a second for a signal this process is about to receive (its child just died of
    /// one sent to the whole process group) to be recorded; returns at once when it already is.
    static func settle() {
        for _ in 0..<20 {
            if state.withLock({ $0.pending != nil || $0.stopping }) || state.withLock({ $0.sources.isEmpty }) { return }
            usleep(25_000)
        }
    }

    /// Whether a signal is being held: long steps poll this to stop at their next safe point.
    public static var requested: Bool { state.withLock { $0.pending != nil } }

    /// Runs `body` with signals held until it returns or throws.
    public static func deferring<T>(_ body: () async throws -> T) async rethrows -> T {
        state.withLock { $0.depth += 1 }
        defer { leave() }
        return try await body()
    }

    private static func received(_ number: Int32) {
        let stopNow = state.withLock { state -> Bool in
            guard state.depth > 0 else { return true }
            state.pending = number
            return false
        }
        if stopNow { stop(number, "lockmaster: interrupted") }
        say("lockmaster: interrupted; stopping at the next safe point so that nothing is left half-written")
    }

    private static func leave() {
        let pending = state.withLock { state -> Int32? in
            state.depth -= 1
            return state.depth == 0 ? state.pending : nil
        }
        if let pending { stop(pending, "lockmaster: stopped at a safe point; nothing is half-written") }
    }

    /// Scratch directories removed when a signal stops the process (`ScratchDirectory` registers them).
    /// False once the process is stopping: no new one may be made then, or it would be left behind.
    static func removeOnStop(_ directory: URL) -> Bool {
        state.withLock { state in
            guard !state.stopping else { return false }
            state.scratch.insert(directory)
            return true
        }
    }
    static func forget(_ directory: URL) { state.withLock { _ = $0.scratch.remove(directory) } }

    private static func say(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    private static func stop(_ number: Int32, _ message: String) -> Never {
        // Other threads may still be writing into a scratch directory: remove until it is gone.
        let scratch = state.withLock { state in
            state.stopping = true
            return state.scratch
        }
        // A second pass a moment later takes what a write already under way on another thread put back
        // (creating a file's parent directories can recreate the scratch directory itself).
        for pass in 0..<2 {
            if pass > 0 { usleep(100_000) }
            for directory in scratch {
                for _ in 0..<20 where FileManager.default.fileExists(atPath: directory.path) {
                    try? FileManager.default.removeItem(at: directory)
                }
            }
        }
        say(message)
        exit(128 + number)
    }
}

/// A value behind a lock (Synchronization.Mutex needs macOS 15).
private final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
