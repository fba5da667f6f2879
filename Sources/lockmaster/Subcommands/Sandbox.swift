import ArgumentParser
import Foundation
import LockmasterKit
import Support

extension Lockmaster {
    struct Sandbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, list and delete sandboxes: a branch and a cluster directory that tracks it.",
            subcommands: [Create.self, List.self, Delete.self]
        )
    }
}

extension Lockmaster.Sandbox {
    struct Create: AsyncParsableCommand, GlobalOptionsCommand {
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
                A run stopped hard before its commit (kill -9) is named by the next run, which says \
                what it found; --resume then makes the copy and the commit, and runs the hooks.

                Refused, changing nothing: a name that breaks sandbox.namePattern (default: ticket \
                prefix and hyphenated summary, e.g. OPS-123-add-keda), a dirty work tree, an existing \
                branch or sandbox directory, an unknown environment or one that does not track a branch.

                Examples:
                  lockmaster sandbox create OPS-123-add-keda
                  lockmaster sandbox create OPS-124-try-istio --from development --no-commit
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "The sandbox and branch name, e.g. OPS-123-add-keda.")
        var name: String

        @OptionGroup var repository: RepositoryOptions

        @Option(help: ArgumentHelp("The environment to clone (default: sandbox.from, development).", valueName: "ENV"))
        var from: String?

        @Option(help: ArgumentHelp("The branch to start from (default: the branch of record, main).", valueName: "BRANCH"))
        var base: String?

        @Flag(help: "Leave the copy staged instead of committing it.")
        var noCommit = false

        @Flag(help: "On the sandbox branch: make the copy and commit if they are missing, then run the hooks from the one that failed.")
        var resume = false

        @Option(name: .shortAndLong, help: ArgumentHelp("Output format: text or json.", valueName: "FORMAT"))
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

    struct List: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sandboxes on local and remote-tracking branches.",
            discussion: """
                A sandbox is a clusters/sandbox-* directory on a branch whose platform source tracks \
                that branch. Shown: name, branch, directory, created (first commit touching the \
                directory), last commit, commits ahead of and behind main, and whether it is merged.
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @OptionGroup var repository: RepositoryOptions

        @Option(name: .shortAndLong, help: ArgumentHelp("Output format: table or json.", valueName: "FORMAT"))
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

extension Lockmaster.Sandbox {
    struct Delete: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan, and with --execute carry out, an ordered teardown of a sandbox that orphans nothing.",
            discussion: """
                The plan comes from what the sandbox directory and its sources would apply (see \
                'lockmaster render'), merged with what the cluster has when --context is given:
                  1. suspend only the root flux-system Kustomization
                  2. resume every suspended Kustomization and HelmRelease (deleting
                     a suspended one orphans its objects)
                  3. delete in waves: an object before what it dependsOn, before the
                     Kustomization that applies it, and before the objects providing
                     the CRDs of its custom resources (CRDs in the render or in a
                     Kustomization's cluster inventory, or lockmaster.io/provides:
                     crds); lockmaster.io/external-state: "true" objects as early as
                     their dependencies allow; sources last; flux-system never.
                     Each delete waits until the object is gone, names the
                     finalizers holding it every 10 seconds, and fails after
                     --timeout.
                  4. verify only flux-system is left and no namespace is terminating
                  5. run the sandbox.destroy hooks
                  6. remove clusters/sandbox-<name> in a commit on the sandbox
                     branch, and delete the branch when it is merged (unless
                     --keep-branch)

                Without --execute only the plan is printed. A re-run after a failure skips \
                what is already gone. Ctrl-C stops after the current step.

                Examples:
                  lockmaster sandbox delete OPS-123-add-keda        # the plan only
                  lockmaster sandbox delete OPS-123-add-keda --context kind-sandbox --execute
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "The sandbox (branch) name, e.g. OPS-123-add-keda.")
        var name: String

        @OptionGroup var repository: RepositoryOptions

        @Option(help: ArgumentHelp("The kube context of the sandbox's cluster.", valueName: "CTX"))
        var context: String?

        @Flag(help: "Carry the plan out (needs --context).")
        var execute = false

        @Option(help: ArgumentHelp("How long one object may take to disappear: 30s, 10m, 1h (default: 10m).", valueName: "DURATION"),
                transform: { try DurationArgument.parse($0, option: "--timeout") })
        var timeout = DurationArgument(argument: "10m")!

        @Option(help: .hidden, transform: { try DurationArgument.parse($0, option: "--poll") })
        var poll = DurationArgument(argument: "2s")!

        @Flag(help: "Keep the sandbox branch after removing its directory.")
        var keepBranch = false

        @Option(name: .shortAndLong, help: ArgumentHelp("Output format: text or json.", valueName: "FORMAT"))
        var output: OutputFormat = .text

        func validate() throws {
            if execute, context == nil { throw ValidationError("--execute needs --context CTX: the cluster to tear down") }
        }

        func run() async throws {
            try await Terminal.run {
                let root = try await RepositoryLocator().locate(explicit: repository.repo)
                // With a context, the cluster's view refines the plan: its inventories and what only it has.
                let view = context.map { context in { @Sendable (objects: [TeardownObject]) in try await TeardownExecutor(context: context).clusterView(known: objects) } }
                let (plan, _) = try await Activity.during("planning the teardown") {
                    try await SandboxTeardown(access: RegistryAccess()).plan(TeardownRequest(repository: root, name: name), cluster: view)
                }
                Terminal.out(output == .json ? try Terminal.json(plan) : TeardownFormatter.format(plan))
                guard execute, let context else { return }
                let executor = TeardownExecutor(context: context, timeout: timeout.duration, poll: poll.duration)
                // Ctrl-C stops the teardown between steps, never inside one.
                try await Interruption.deferring {
                    try await executor.run(plan, repository: root, name: name, keepBranch: keepBranch,
                                           progress: Terminal.progressLines(), interrupted: { Interruption.requested })
                }
                Terminal.progress("sandbox \(name) is torn down\n")
            }
        }
    }
}
