import Foundation
import GitKit
import Support

/// Runs the `sandbox.create` and `sandbox.destroy` hooks of lockmaster.yaml: `bash -c` at the
/// repository root, with the sandbox's name, branch, directory and repository URL in the environment.
struct SandboxHooks: Sendable {
    let runner: any ProcessRunner
    let git: any GitClient

    /// The environment every hook of `sandbox` sees.
    func environment(for sandbox: Sandbox, repository: URL) async -> [String: String] {
        sandbox.hookEnvironment(
            repositoryURL: (try? await git.remoteURL(named: "origin", in: repository)).flatMap { $0 }.map(
                RemoteURL.withoutCredentials))
    }

    /// Runs one hook, its output streamed as it comes; a hook may run for an hour (a cluster to create).
    func run(_ hook: String, in repository: URL, environment: [String: String], streaming: (@Sendable (Data) -> Void)?)
        async throws -> ProcessOutput
    {
        // Registry and signing secrets stay with Lockmaster: a hook gets the documented LOCKMASTER_* variables only.
        let inherited = ProcessInfo.processInfo.environment.keys.filter {
            $0.hasPrefix("LOCKMASTER_") && environment[$0] == nil
        }
        return try await runner.run(
            ProcessInvocation(
                "bash", ["-c", hook], workingDirectory: repository, environment: environment,
                unsetEnvironment: inherited.sorted(), timeout: .seconds(3600)), streaming: streaming)
    }
}
