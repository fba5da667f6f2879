import ArgumentParser
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Sandbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create and list sandboxes: a branch and a cluster directory that tracks it.",
            subcommands: [Create.self, List.self]
        )
    }
}

extension Lockmaster.Sandbox {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Branch NAME from main and clone development into clusters/sandbox-<name>, tracking NAME.",
            discussion: """
                Steps, all or nothing until the commit: create branch NAME from --base (default main); \
                copy clusters/<from> (default development) to clusters/sandbox-<name in lower case> \
                WITHOUT flux-system/gotk-sync.yaml (and any other sandbox.exclude path), so bootstrap \
                writes the sandbox's own; point the copied platform GitRepository's spec.ref.branch at \
                NAME, changing nothing else in the file; commit.

                Then run the sandbox.create hooks of lockmaster.yaml in order (bash -c, with \
                LOCKMASTER_SANDBOX, LOCKMASTER_BRANCH, LOCKMASTER_PATH and LOCKMASTER_REPO_URL set; \
                their output is shown as it comes), or print the next steps with the commands filled \
                in. A failed hook keeps the branch and commit: fix the cause and re-run with --resume.

                Refused, changing nothing: a name that breaks sandbox.namePattern (default: ticket \
                prefix and hyphenated summary, e.g. OPS-123-add-keda), a dirty work tree, an existing \
                branch or sandbox directory, an unknown environment or one that does not track a branch.
                """
        )

        @Argument(help: "The sandbox and branch name, e.g. OPS-123-add-keda.")
        var name: String

        @OptionGroup var repository: RepositoryOptions

        @Option(help: ArgumentHelp("The environment to clone (default: sandbox.from, development).", valueName: "ENV"))
        var from: String?

        @Option(help: ArgumentHelp("The branch to start from (default: the branch of record, main).", valueName: "BRANCH"))
        var base: String?

        @Flag(help: "Leave the copy staged instead of committing it.")
        var noCommit = false

        @Flag(help: "Run the hooks again from the one that failed (on the sandbox branch).")
        var resume = false

        @Option(name: .shortAndLong, help: "Output format: text or json.")
        var output: OutputFormat = .text

        func run() async throws {
            try await Terminal.run {
                let root = try await RepositoryLocator().locate(explicit: repository.repo)
                let report = try await SandboxCreator().run(SandboxCreateRequest(
                    repository: root, name: name, from: from, base: base, noCommit: noCommit, resume: resume,
                    hookOutput: { Terminal.errData($0) }))
                Terminal.out(output == .json ? try Terminal.json(report) : SandboxTextFormatter.format(report))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sandboxes on local and remote-tracking branches.",
            discussion: """
                A sandbox is a clusters/sandbox-* directory on a branch whose platform source tracks \
                that branch. Shown: name, branch, directory, created (first commit touching the \
                directory), last commit, commits ahead of and behind main, and whether it is merged.
                """
        )

        @OptionGroup var repository: RepositoryOptions

        @Option(name: .shortAndLong, help: "Output format: table or json.")
        var output: OutputFormat = .text

        func run() async throws {
            try await Terminal.run {
                let root = try await RepositoryLocator().locate(explicit: repository.repo)
                let sandboxes = try await SandboxLister().run(repository: root)
                Terminal.out(output == .json ? try Terminal.json(sandboxes) : SandboxTextFormatter.format(sandboxes))
            }
        }
    }
}
