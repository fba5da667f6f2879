import ArgumentParser
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pin an environment (production) to a version, behind gates, on a review branch.",
            subcommands: [Environment.self, App.self],
            defaultSubcommand: Environment.self
        )
    }

    struct Rollback: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pin an environment back to its previous version (from git history), or --to VERSION.",
            discussion: "The same gates as promote, except the order gate; prints what it reverts."
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "The pinned environment, e.g. production.", completion: Completions.environments)
        var environment: String

        @Option(
            help: ArgumentHelp(
                "The version to go back to (default: the pin before the current one).", valueName: "VERSION"),
            transform: VersionArgument.parse)
        var to: VersionArgument?

        @OptionGroup var options: PromotionOptions

        func run() async throws {
            try await Terminal.run {
                try await options.pin(rollback: true) { promoter, root in
                    try await promoter.rollback(
                        repository: root, environment: environment, to: to?.tag, branch: options.branch.choice,
                        force: options.forcing.force, reason: options.forcing.reason)
                }
            }
        }
    }

    struct History: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "What ran where and when: each environment's pins and ranges over git history.",
            discussion:
                "Each change shows the commit, author and date, old → new, and for tags the artifact's digest and source revision where the repository still has it."
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "One environment (default: all).", completion: Completions.environments)
        var environment: String?

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var registry: RegistryOptions

        @OptionGroup var output: OutputOptions<OutputFormat>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let history = try await Activity.during("reading the pins' history") {
                    try await EnvironmentHistory(access: registry.access()).run(
                        repository: root, environment: environment)
                }
                Terminal.out(try output.render(history, text: PromoteTextFormatter.format))
            }
        }
    }
}

/// `--branch NAME | --no-branch`: where a promotion's commit goes.
/// What promote and rollback share: the repository, the registry, the branch the pin is committed on,
/// `--force --reason`, and `-o`.
struct PromotionOptions: ParsableArguments {
    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var branch: CommitBranchOptions
    @OptionGroup var forcing: ForceOptions

    @OptionGroup var output: OutputOptions<OutputFormat>

    /// Checks the gates and pins, through `pin`, then prints the report.
    func pin(rollback: Bool, _ pin: (Promoter, URL) async throws -> PromoteReport) async throws {
        let root = try await repository.root()
        let promoter = Promoter(access: registry.access())
        let report = try await Activity.during("checking the gates") { try await pin(promoter, root) }
        Terminal.out(try output.render(report) { PromoteTextFormatter.format($0, rollback: rollback) })
    }
}

struct CommitBranchOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Commit on a new branch of this name (default: a promote/ or rollback/ branch from main).",
            valueName: "NAME"))
    var branch: String?

    @Flag(help: "Commit on the current branch instead of a new one.")
    var noBranch = false

    func validate() throws {
        if branch != nil, noBranch { throw ValidationError("--branch and --no-branch exclude each other") }
    }

    var choice: PromoteRequest.Branch { noBranch ? .current : branch.map { .named($0) } ?? .automatic }
}

/// `--force --reason TEXT`: past the previous-environment and order gates, on the record.
struct ForceOptions: ParsableArguments {
    @Flag(help: "Pass the previous-environment and order gates; needs --reason, recorded in the commit.")
    var force = false

    @Option(help: ArgumentHelp("Why the gates are forced.", valueName: "TEXT"))
    var reason: String?

    func validate() throws {
        if force, (reason ?? "").allSatisfy(\.isWhitespace) {
            throw ValidationError("--force needs --reason TEXT (words, not only white space)")
        }
    }
}

extension Lockmaster.Promote {
    struct Environment: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            commandName: "env",
            abstract: "lockmaster promote ENV VERSION: pin ENV's spec.ref.tag to VERSION.",
            discussion: """
                Gates, each refusal naming the gate and how to satisfy it:
                \(PromotionGates.help.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
                --force --reason TEXT passes what the gates say it passes, and records the reason.

                The pin is set with the byte-preserving edit (spec.ref.tag, and spec.ref.digest when \
                pinDigest is true in lockmaster.yaml) on branch promote/<env>-<version> from main, and \
                committed with both versions, digests, the source revision and the service changes: \
                platform services added, removed and upgraded between the two artifacts.

                Examples:
                  lockmaster resolve staging                       # what staging runs
                  lockmaster promote production 1.4.2
                  lockmaster promote production 1.4.2 --force --reason "hotfix INC-42"
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "The pinned environment, e.g. production.", completion: Completions.environments)
        var environment: String

        @Argument(help: "The version to pin, e.g. 1.4.2.", transform: VersionArgument.parse)
        var version: VersionArgument

        @OptionGroup var options: PromotionOptions

        func run() async throws {
            try await Terminal.run {
                try await options.pin(rollback: false) { promoter, root in
                    try await promoter.promote(
                        PromoteRequest(
                            repository: root, environment: environment, version: version.tag,
                            branch: options.branch.choice,
                            force: options.forcing.force, reason: options.forcing.reason))
                }
            }
        }
    }
}

extension Lockmaster.Promote {
    struct App: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Copy an application HelmRelease's chart version (and --values) from one environment to the next.",
            discussion: """
                The HelmRelease NAME must exist under clusters/<from>/apps and clusters/<to>/apps. Its \
                spec.chart.spec.version is copied with the byte-preserving edit (and, with --values, its \
                spec.values block, re-indented) on branch promote/app-<name>-<to>-<version> from main, \
                in one commit. Refused when the release is missing from either environment or the \
                target would go backwards.

                Examples:
                  lockmaster promote app podinfo --from staging --to production --values
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "The HelmRelease name.")
        var name: String

        @Option(
            help: ArgumentHelp("The environment to copy from.", valueName: "ENV"), completion: Completions.environments)
        var from: String

        @Option(
            help: ArgumentHelp("The environment to copy to.", valueName: "ENV"), completion: Completions.environments)
        var to: String

        @Flag(help: "Also copy spec.values.")
        var values = false

        @OptionGroup var repository: RepositoryOptions

        @OptionGroup var branch: CommitBranchOptions

        @OptionGroup var output: OutputOptions<OutputFormat>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let report = try await AppPromoter().run(
                    AppPromoteRequest(
                        repository: root, name: name, from: from, to: to, values: values, branch: branch.choice))
                if output.format == .json {
                    Terminal.out(try Terminal.json(report))
                } else {
                    Terminal.out(
                        "promoted \(report.name) to \(report.to): \(report.previousVersion ?? "-") → \(report.fromVersion)"
                            + (report.valuesCopied ? ", values copied" : "")
                            + "\n  commit \(report.commit.prefix(12)) on \(report.branch) (\(report.file))\n")
                }
            }
        }
    }
}
