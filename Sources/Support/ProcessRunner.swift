public import Foundation

/// One program to run: argv (never a shell string), working directory, extra environment, deadline.
public struct ProcessInvocation: Sendable, Equatable {
    public var executable: String
    public var arguments: [String]
    public var workingDirectory: URL?
    /// Variables added to (or replacing those in) the inherited environment.
    public var environment: [String: String]
    /// Variables removed from the inherited environment before `environment` is applied.
    public var unsetEnvironment: [String]
    /// False: the program sees only `environment` (no credentials, no `HOME`, no `PATH` of ours).
    public var inheritsEnvironment: Bool
    public var timeout: Duration
    public var standardInput: Data?
    /// The kernel wall the program runs inside; nil: none (git, hooks, kubectl against a cluster).
    public var confinement: Confinement?

    /// - Parameters:
    ///   - executable: a program name looked up in `PATH`, or an absolute path.
    ///   - arguments: the arguments after the program name.
    public init(
        _ executable: String,
        _ arguments: [String],
        workingDirectory: URL? = nil,
        environment: [String: String] = [:],
        unsetEnvironment: [String] = [],
        inheritsEnvironment: Bool = true,
        timeout: Duration = .seconds(120),
        standardInput: Data? = nil,
        confinement: Confinement? = nil
    ) {
        self.executable = executable
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.unsetEnvironment = unsetEnvironment
        self.inheritsEnvironment = inheritsEnvironment
        self.timeout = timeout
        self.standardInput = standardInput
        self.confinement = confinement
    }

    /// The command line as a person would type it, for messages (not for execution).
    public var commandLine: String {
        ([executable] + arguments).map(ShellQuoting.quote).joined(separator: " ")
    }
}

/// What a finished program left behind.
public struct ProcessOutput: Sendable, Equatable {
    public var status: Int32
    public var standardOutput: Data
    public var standardError: Data

    public init(status: Int32, standardOutput: Data, standardError: Data) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    public var stdout: String { String(decoding: standardOutput, as: UTF8.self) }
    public var stderr: String { String(decoding: standardError, as: UTF8.self) }
}

/// Runs external programs. Every git, kubectl and hook call goes through one of these.
public protocol ProcessRunner: Sendable {
    /// Runs the program to completion and returns its output whatever its exit status.
    /// - Parameter streaming: told every chunk of stdout and stderr as it arrives (hooks show their output live).
    /// - Throws: `ProcessError.launchFailed` or `.timedOut`.
    func run(_ invocation: ProcessInvocation, streaming: (@Sendable (Data) -> Void)?) async throws -> ProcessOutput
}

extension ProcessRunner {
    public func run(_ invocation: ProcessInvocation) async throws -> ProcessOutput {
        try await run(invocation, streaming: nil)
    }

    /// Runs the program and throws `ProcessError.failed` unless it exits 0.
    public func checkedRun(_ invocation: ProcessInvocation) async throws -> ProcessOutput {
        let output = try await run(invocation)
        guard output.status == 0 else {
            throw ProcessError.failed(invocation: invocation, status: output.status, stderr: output.stderr)
        }
        return output
    }
}

/// Why a program could not be run or did not succeed; carries argv, exit status and stderr.
public enum ProcessError: Error, CustomStringConvertible, Equatable, Sendable {
    case launchFailed(invocation: ProcessInvocation, reason: String)
    case failed(invocation: ProcessInvocation, status: Int32, stderr: String)
    case timedOut(invocation: ProcessInvocation, after: Duration)

    public var description: String {
        switch self {
        case .launchFailed(let invocation, let reason):
            return "could not run '\(invocation.commandLine)': \(reason)"
        case .failed(let invocation, let status, let stderr):
            let detail = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "'\(invocation.commandLine)' exited with status \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        case .timedOut(let invocation, let after):
            return "'\(invocation.commandLine)' did not finish within \(after) and was stopped"
        }
    }
}
