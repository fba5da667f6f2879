import ArgumentParser
import Foundation
import Support

struct Lockmaster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lockmaster",
        abstract: "Carry a platform change through a FluxCD GitOps estate, one gate at a time.",
        discussion: """
            sandbox (branch) → development (tracks main) → staging (tracks a semver range of OCI \
            artifacts) → production (pinned to one exact tag), and back down with an ordered teardown.

            Every command takes --repo DIR (default: the git work tree you stand in), prints data on \
            stdout and diagnostics on stderr, and exits 0 on success, 1 on failure or findings, 64 on \
            a usage error.

            --color, --quiet and --verbose (OUTPUT below) go with any command, before or after its \
            name. JSON, YAML, Markdown and GitHub annotations are never coloured.

            Environment:
              LOCKMASTER_REGISTRY_USERNAME, LOCKMASTER_REGISTRY_PASSWORD
                                 registry credentials (after --username/--password-stdin),
                                 sent only to the artifact repository's host
              LOCKMASTER_REGISTRY_HOST
                                 the one registry contacted, and the one host those
                                 credentials are for (default: the host of artifact in
                                 lockmaster.yaml, or publish --to); set it in CI
              DOCKER_CONFIG      where docker's config.json is (default ~/.docker)
              LOCKMASTER_KUBECTL the kubectl program for status --live and sandbox delete
              GITHUB_BASE_REF, CI_MERGE_REQUEST_TARGET_BRANCH_NAME
                                 the pull request's target, for check's sandbox-in-main
              NO_COLOR, TERM     no colour when NO_COLOR is set or TERM is dumb
            Hooks get LOCKMASTER_SANDBOX, LOCKMASTER_BRANCH, LOCKMASTER_PATH, LOCKMASTER_REPO_URL.
            """,
        version: LockmasterVersion.current,
        subcommands: [
            Init.self, Status.self, Sandbox.self, Check.self, Render.self, Diff.self, Package.self, Publish.self,
            Resolve.self, Promote.self, Rollback.self, History.self, Schema.self, Keygen.self, Verify.self, Demo.self,
        ]
    )

    @OptionGroup(title: "Output") var global: GlobalOptions

    /// ArgumentParser's own entry point, after taking over Ctrl-C so that a write step is never cut in half.
    static func main() async {
        Interruption.install()
        do {
            try await execute(Array(CommandLine.arguments.dropFirst()))
        } catch {
            exit(withError: error)
        }
    }

    /// Parses, makes the run's output context from the global flags, and runs the command in it.
    nonisolated private static func execute(_ arguments: [String]) async throws {
        var command = try parseAsRoot(arguments)
        // A command without the flags (a group such as `sandbox` alone) only prints its help.
        let global = (command as? any GlobalOptionsCommand)?.global
        if global?.verbose == true { Trace.sink = { Terminal.err($0 + "\n") } }
        let output =
            global?.context(
                environment: ProcessInfo.processInfo.environment, stdoutIsTerminal: isatty(STDOUT_FILENO) == 1)
            ?? OutputContext()
        try await OutputContext.$current.withValue(output) {
            if var command = command as? any AsyncParsableCommand { try await command.run() } else { try command.run() }
        }
    }
}

/// The process's entry. `--version` alone is answered before the concurrency runtime and the command
/// tree start: shell completion and version checks run it often, and it should cost what `git
/// --version` does. Everything else runs as the async command it is.
@main
enum Entry {
    static func main() {
        if CommandLine.arguments.dropFirst().elementsEqual(["--version"]) {
            print(LockmasterVersion.current)
            return
        }
        Task {
            await Lockmaster.main()
            exit(0)
        }
        dispatchMain()
    }
}

enum LockmasterVersion {
    /// The one place the version is written; release tooling rewrites it.
    static let current = "0.1.0-dev"
}
