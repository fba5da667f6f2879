public import Foundation
public import Support

/// `GitClient` backed by the `git` program, run through a `ProcessRunner`.
public struct ProcessGitClient: GitClient {
    private let runner: any ProcessRunner
    private let environment: [String: String]

    /// - Parameters:
    ///   - runner: runs git; the system runner by default.
    ///   - environment: extra variables for every git call (tests use it for hermetic config).
    public init(runner: any ProcessRunner = SystemProcessRunner(), environment: [String: String] = [:]) {
        self.runner = runner
        // Never stop to ask for credentials or an editor.
        self.environment = ["GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true"].merging(environment) { _, new in new }
    }

    @discardableResult
    func git(_ arguments: [String], in directory: URL) async throws -> ProcessOutput {
        try await runner.checkedRun(invocation(arguments, in: directory))
    }

    func invocation(_ arguments: [String], in directory: URL) -> ProcessInvocation {
        ProcessInvocation("git", ["-C", directory.path] + arguments, environment: environment)
    }

    public func workTreeRoot(containing directory: URL) async throws -> URL? {
        let output = try await runner.run(invocation(["rev-parse", "--show-toplevel"], in: directory))
        guard output.status == 0 else { return nil }
        let path = output.stdout.trimmingCharacters(in: .newlines)
        return path.isEmpty ? nil : URL(fileURLWithPath: path, isDirectory: true)
    }

    public func initialize(at directory: URL, initialBranch: String) async throws {
        try await git(["init", "--quiet", "--initial-branch=\(initialBranch)"], in: directory)
    }

    public func remoteURL(named name: String, in repository: URL) async throws -> String? {
        let output = try await runner.run(invocation(["remote", "get-url", name], in: repository))
        guard output.status == 0 else { return nil }
        let url = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return url.isEmpty ? nil : url
    }

    public func add(_ paths: [String], in repository: URL) async throws {
        try await git(["add", "--"] + paths, in: repository)
    }

    public func commit(message: String, in repository: URL) async throws -> String {
        try await git(["commit", "--quiet", "-m", message], in: repository)
        return try await git(["rev-parse", "HEAD"], in: repository).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func currentBranch(in repository: URL) async throws -> String? {
        let output = try await runner.run(invocation(["symbolic-ref", "--quiet", "--short", "HEAD"], in: repository))
        guard output.status == 0 else { return nil }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func status(in repository: URL) async throws -> [String] {
        try await git(["status", "--porcelain=v1", "--untracked-files=all"], in: repository)
            .stdout.split(separator: "\n").map(String.init)
    }

    public func ignoredFiles(under paths: [String], in repository: URL) async throws -> [String] {
        try await git(["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--"] + paths, in: repository)
            .stdout.split(separator: "\0").map(String.init)
    }

    public func head(in repository: URL) async throws -> (commit: String, time: Int) {
        let output = try await git(["show", "-s", "--format=%H %ct", "HEAD"], in: repository).stdout
        let parts = output.split(separator: " ")
        guard parts.count == 2, let time = Int(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ProcessError.failed(invocation: invocation(["show", "-s", "--format=%H %ct", "HEAD"], in: repository),
                                      status: 0, stderr: "unexpected output: \(output)")
        }
        return (String(parts[0]), time)
    }

    public func status(of paths: [String], in repository: URL) async throws -> [String] {
        try await git(["status", "--porcelain=v1", "--untracked-files=all", "--"] + paths, in: repository)
            .stdout.split(separator: "\n").map(String.init)
    }
}
