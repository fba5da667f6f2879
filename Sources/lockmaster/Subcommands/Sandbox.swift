import ArgumentParser
import Foundation
import LockmasterKit
import Platform
import Support

extension Lockmaster {
    struct Sandbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create, list, extend, delete and collect sandboxes: a branch and a cluster directory that tracks it.",
            subcommands: [Create.self, List.self, Extend.self, Delete.self, GC.self]
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

                The sandbox gets a lease, lease.lockmaster in its directory (not a .yaml file, so \
                Flux never applies it): its owner (--owner, else git's user.email), when it was \
                created and when it expires (--ttl, default sandbox.ttl, 7d), and the ticket its \
                name starts with. sandbox list shows it, sandbox extend moves it, sandbox gc collects \
                sandboxes whose lease ran out. With sandbox.max set, create refuses when that many \
                sandboxes are open, naming the oldest.

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

        @Option(
            help: ArgumentHelp("The branch to start from (default: the branch of record, main).", valueName: "BRANCH"))
        var base: String?

        @Flag(help: "Leave the copy staged instead of committing it.")
        var noCommit = false

        @Flag(
            help:
                "On the sandbox branch: make the copy and commit if they are missing, then run the hooks from the one that failed."
        )
        var resume = false

        @Option(
            help: ArgumentHelp(
                "Who owns the sandbox (default: the e-mail git authors commits with).", valueName: "EMAIL"))
        var owner: String?

        @OptionGroup var lease: LeaseOptions

        @OptionGroup var output: OutputOptions<OutputFormat>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let report = try await SandboxCreator().run(
                    SandboxCreateRequest(
                        repository: root, name: name, from: from, base: base, noCommit: noCommit, resume: resume,
                        hookOutput: { Terminal.errData($0) }, owner: owner, ttl: lease.ttl, now: try lease.clock.now()))
                Terminal.out(try output.render(report, text: SandboxTextFormatter.format))
            }
        }
    }

    struct List: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sandboxes on local and remote-tracking branches.",
            discussion: """
                A sandbox is a clusters/sandbox-* directory on a branch whose platform source tracks \
                that branch. Shown: name, owner, age, when its lease expires (expired ones marked), \
                commits ahead of and behind main, whether it is merged, and its branch; -o json has \
                every field (directory, created, last commit, the lease). --live asks each \
                sandbox's cluster whether it answers: its context is contexts[sandbox-<name>] or \
                contexts[NAME] in lockmaster.yaml.
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @OptionGroup var repository: RepositoryOptions

        @Flag(help: "Ask each sandbox's cluster whether it answers.")
        var live = false

        @OptionGroup var clock: ClockOptions

        @OptionGroup var output: OutputOptions<OutputFormat>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let now = try clock.now()
                var sandboxes = try await SandboxLister().run(repository: root, now: now)
                if live {
                    sandboxes = await SandboxLister().withLiveState(
                        sandboxes, contexts: try SettingsLoader.load(repositoryRoot: root).contexts)
                }
                if output.format == .json {
                    Terminal.out(try Terminal.json(sandboxes))
                } else {
                    Terminal.out(SandboxTextFormatter.styled(sandboxes, now: now))
                }
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

        @OptionGroup var waiting: TeardownWaitOptions

        @Flag(help: "Keep the sandbox branch after removing its directory.")
        var keepBranch = false

        @OptionGroup var output: OutputOptions<OutputFormat>

        @OptionGroup var wall: BuildWallOptions

        func validate() throws {
            if execute, context == nil {
                throw ValidationError("--execute needs --context CTX: the cluster to tear down")
            }
        }

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                // With a context, the cluster's view refines the plan: its inventories and what only it has.
                let view = context.map { context in
                    { @Sendable (objects: [TeardownObject]) in
                        try await TeardownExecutor(context: context).clusterView(known: objects)
                    }
                }
                // The plan and the hooks come from the branch of record's settings, never from the sandbox
                // branch's own lockmaster.yaml; only a repository without one plans with the work tree's.
                let record = try? await BranchOfRecordSettings.read(root: root).settings
                let (plan, _) = try await Activity.during("planning the teardown") {
                    try await SandboxTeardown(access: RegistryAccess()).plan(
                        TeardownRequest(repository: root, name: name, unconfined: wall.unconfined, settings: record),
                        cluster: view)
                }
                Terminal.out(try output.render(plan, text: TeardownFormatter.format))
                guard execute, let context else { return }
                var executor = TeardownExecutor(
                    context: context, timeout: waiting.timeout.duration, poll: waiting.poll.duration)
                let settings: LockmasterSettings
                if let record {
                    settings = record
                } else {
                    settings = try await BranchOfRecordSettings.read(root: root).settings
                }
                executor.settings = settings
                // Ctrl-C stops the teardown between steps, never inside one.
                try await Interruption.deferring {
                    try await executor.run(
                        plan, sandbox: Sandbox(name: name, settings: settings), repository: root,
                        keepBranch: keepBranch,
                        progress: Terminal.progressLines(), interrupted: { Interruption.requested })
                }
                Terminal.progress("sandbox \(name) is torn down\n")
            }
        }
    }
}

extension Lockmaster.Sandbox {
    struct Extend: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a sandbox's lease to expire --ttl from now, in a commit on its branch.",
            discussion: """
                Rewrites lease.lockmaster in the sandbox's directory (its owner and creation stay) and \
                commits it on the sandbox branch; from another branch it switches there for the \
                commit (the work tree must be clean) and back. A sandbox made before leases gets one, \
                owned by git's user.email. Push the branch so that others see the new expiry.

                Examples:
                  lockmaster sandbox extend OPS-123-add-keda --ttl 3d
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "The sandbox (its branch name).")
        var name: String

        @OptionGroup var repository: RepositoryOptions

        @OptionGroup var lease: LeaseOptions

        @OptionGroup var output: OutputOptions<OutputFormat>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let report = try await SandboxExtender().run(
                    SandboxExtendRequest(repository: root, name: name, ttl: lease.ttl, now: try lease.clock.now()))
                Terminal.out(try output.render(report, text: SandboxTextFormatter.format))
            }
        }
    }

    struct GC: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract:
                "List sandboxes whose lease expired or whose branch is merged, with each teardown plan; --execute tears them down.",
            discussion: """
                For each such sandbox, oldest first: why it is collected and the teardown plan \
                'sandbox delete' would carry out, made on its branch (the work tree must be clean; \
                the run switches back). A sandbox only on a remote-tracking branch is named, with how \
                to plan it here.

                --execute tears them down one at a time, as 'sandbox delete --execute' does (the \
                sandbox.destroy hooks included), and stops at the first failure. Each needs a kube \
                context: --context NAME=CTX, else sandbox.contextTemplate (kind-{directory}, \
                sandbox-{name}) — never an environment's contexts entry; a missing one stops the run \
                before anything is torn down.

                gc trusts no branch's word about itself: settings, hooks and contexts come from the \
                branch of record's lockmaster.yaml. A sandbox's name matches sandbox.namePattern, its \
                directory is clusters/sandbox-<name> and it holds the lease sandbox create wrote; a \
                branch with a sandbox directory named like the branch of record, main, master, an \
                environment, a branch one tracks or a name in sandbox.protected stops the run (exit 1) \
                before anything runs.

                --now (or LOCKMASTER_NOW) sets the clock, to see what a later run would collect.

                Examples:
                  lockmaster sandbox gc
                  lockmaster sandbox gc --execute --context OPS-123-add-keda=sandbox-ops-123
                  lockmaster sandbox gc --now 2027-01-01T00:00:00Z -o json
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @OptionGroup var repository: RepositoryOptions

        @Flag(help: "Tear the sandboxes down, one at a time, stopping at the first failure.")
        var execute = false

        @Option(
            name: .customLong("context"),
            help: ArgumentHelp("The kube context of a sandbox's cluster; repeatable.", valueName: "NAME=CTX"))
        var contexts: [ContextPair] = []

        @OptionGroup var waiting: TeardownWaitOptions

        @OptionGroup var clock: ClockOptions

        @OptionGroup var output: OutputOptions<OutputFormat>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let request = SandboxGCRequest(
                    repository: root, now: try clock.now(), execute: execute,
                    contexts: Dictionary(
                        contexts.map { ($0.environment, $0.context) }, uniquingKeysWith: { _, last in last }),
                    timeout: waiting.timeout.duration, poll: waiting.poll.duration)
                let report = try await Interruption.deferring {
                    try await SandboxCollector().run(
                        request, progress: Terminal.progressLines(), interrupted: { Interruption.requested })
                }
                Terminal.out(try output.render(report, text: SandboxTextFormatter.format))
            }
        }
    }
}

/// `--ttl` and the clock, for the commands that write a lease (create, extend).
struct LeaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "How long from now the lease runs: 7d, 36h, 2w (default: sandbox.ttl).", valueName: "DURATION"),
        transform: TimeSpan.parse)
    var ttl: TimeSpan?

    @OptionGroup var clock: ClockOptions
}

/// How long a teardown waits for each object to go, and how often it looks (delete, gc).
struct TeardownWaitOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "How long one object may take to disappear: 30s, 10m, 1h (default: 10m).", valueName: "DURATION"),
        transform: TimeSpan.parse)
    var timeout = TimeSpan("10m")!

    @Option(help: .hidden, transform: TimeSpan.parse)
    var poll = TimeSpan("2s")!
}
