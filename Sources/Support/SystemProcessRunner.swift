import Foundation
import Dispatch

/// Runs programs with Foundation's `Process`, draining stdout and stderr concurrently so a
/// chatty child can never block on a full pipe, and stopping it when its deadline passes.
public struct SystemProcessRunner: ProcessRunner {
    public init() {}

    public func run(_ invocation: ProcessInvocation) async throws -> ProcessOutput {
        // Blocking reads and waits happen on a dedicated thread, off the cooperative pool.
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try Self.runBlocking(invocation) })
            }
            thread.start()
        }
    }

    private static func runBlocking(_ invocation: ProcessInvocation) throws -> ProcessOutput {
        let process = Process()
        if invocation.executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: invocation.executable)
            process.arguments = invocation.arguments
        } else {
            guard let resolved = ExecutableLookup.find(invocation.executable) else {
                throw ProcessError.launchFailed(invocation: invocation, reason: "'\(invocation.executable)' was not found in PATH")
            }
            process.executableURL = resolved
            process.arguments = invocation.arguments
        }
        var environment = ProcessInfo.processInfo.environment
        for name in invocation.unsetEnvironment { environment.removeValue(forKey: name) }
        environment.merge(invocation.environment) { _, new in new }
        process.environment = environment
        if let directory = invocation.workingDirectory { process.currentDirectoryURL = directory }

        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = invocation.standardInput == nil ? FileHandle.nullDevice : stdin

        do {
            try process.run()
        } catch {
            throw ProcessError.launchFailed(invocation: invocation, reason: error.localizedDescription)
        }

        let group = DispatchGroup()
        let collected = CollectedOutput()
        DispatchQueue.global().async(group: group) {
            collected.setStdout(stdout.fileHandleForReading.readDataToEndOfFile())
        }
        DispatchQueue.global().async(group: group) {
            collected.setStderr(stderr.fileHandleForReading.readDataToEndOfFile())
        }
        if let input = invocation.standardInput {
            DispatchQueue.global().async {
                try? stdin.fileHandleForWriting.write(contentsOf: input)
                try? stdin.fileHandleForWriting.close()
            }
        }

        let timedOut = Deadline()
        let seconds = Double(invocation.timeout.components.seconds)
            + Double(invocation.timeout.components.attoseconds) / 1e18
        let killer = DispatchWorkItem {
            guard process.isRunning else { return }
            timedOut.fire()
            process.terminate()
            // A child that ignores SIGTERM gets SIGKILL two seconds later.
            DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: killer)

        process.waitUntilExit()
        killer.cancel()
        group.wait()

        if timedOut.fired { throw ProcessError.timedOut(invocation: invocation, after: invocation.timeout) }
        return ProcessOutput(status: process.terminationStatus, standardOutput: collected.stdout, standardError: collected.stderr)
    }
}

/// Output gathered by two reader threads; guarded by `lock`.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var _stdout = Data(), _stderr = Data()
    func setStdout(_ data: Data) { lock.withLock { _stdout = data } }
    func setStderr(_ data: Data) { lock.withLock { _stderr = data } }
    var stdout: Data { lock.withLock { _stdout } }
    var stderr: Data { lock.withLock { _stderr } }
}

/// Set once by the timeout work item; guarded by `lock`.
private final class Deadline: @unchecked Sendable {
    private let lock = NSLock()
    private var _fired = false
    func fire() { lock.withLock { _fired = true } }
    var fired: Bool { lock.withLock { _fired } }
}
