import ArgumentParser
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Diff: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a change does to each environment: per Kustomization, per object, and as services.",
            discussion: """
                Renders both sides (see 'lockmaster render') and compares them:
                  lockmaster diff                         the merge base with main against the work tree
                  lockmaster diff BASE [HEAD]             two git revisions (HEAD default: the work tree)
                  lockmaster diff --env-from development --env-to staging
                                                          what staging would change into
                  lockmaster diff --versions 0.1.0 0.1.1  two artifact versions (for --env, default: the
                                                          first environment that tracks artifacts)
                Output: per environment, per Flux Kustomization, each object added, removed or changed \
                (with a unified YAML diff), then the services — HelmReleases and Kustomizations — \
                classified as added, removed, upgraded (chart version, with the major/minor/patch step) \
                or reconfigured, lowest risk first. Secret data values are never printed: each key is \
                added, removed, changed or unchanged by hash. -o markdown is ready for a pull request \
                comment; --exit-code exits 1 when anything changed. Builds are confined as in \
                'lockmaster render' (--allow-remote to fetch remote resources).

                --lane adds where the change goes after it merges, in promotion order: an environment \
                that tracks the branch at merge; one that tracks a range at the next publish its range \
                admits (naming the version publish would produce); a pinned one after promotion; a \
                change to an environment's own directory at merge. The pull-request recipe puts it in \
                the comment.

                                Dangers come first: what Kubernetes or Flux will not do quietly, each with a rule id, \
                a severity, the object, the file and line of the change (in git comparisons) and why. \
                --fail-on high|medium|low exits 1 on a finding that severe or more; -o github prints \
                them as annotations; '# lockmaster:ignore=RULE' on the line or in the YAML document \
                silences one, as in check. The rules:
                \(DangerRules.help.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

                Examples:
                  lockmaster diff                                  # this branch against main
                  lockmaster diff main~3 main --env production
                  lockmaster diff --env-from staging --env-to production
                  lockmaster diff --versions 1.4.1 1.4.2 -o markdown > comment.md
                  lockmaster diff --fail-on high -o github         # in CI: annotate, and stop on the worst
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "The git revision to compare from (default: the merge base with main).")
        var base: String?

        @Argument(help: "The git revision to compare to (default: the work tree).")
        var head: String?

        @Option(help: ArgumentHelp("Only this environment.", valueName: "ENV"), completion: Completions.environments)
        var env: String?

        @Option(
            help: ArgumentHelp("Compare environments: the one changes come from.", valueName: "ENV"),
            completion: Completions.environments)
        var envFrom: String?

        @Option(
            help: ArgumentHelp("Compare environments: the one that would change.", valueName: "ENV"),
            completion: Completions.environments)
        var envTo: String?

        @Option(parsing: .upToNextOption, help: ArgumentHelp("Compare two artifact versions.", valueName: "V1 V2"))
        var versions: [String] = []

        @Flag(help: "Exit 1 when there are changes, like git diff --exit-code.")
        var exitCode = false

        @Flag(help: "Exit 1 also when a Kustomization the change does not touch cannot be read on either side.")
        var strict = false

        @Flag(help: "Also show where the change goes after it merges: each environment, when, and in which version.")
        var lane = false

        @Flag(help: "Let kustomize fetch remote resources (Flux does unless --no-remote-bases is set).")
        var allowRemote = false

        @Flag(
            help:
                "Build every Kustomization on both sides, not only those the change touches (the same result, slower).")
        var buildAll = false

        @OptionGroup var cache: RenderCacheOptions

        @OptionGroup var wall: BuildWallOptions

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var registry: RegistryOptions

        enum Format: String, OutputChoice {
            case text, markdown, json, github

            static let fallback = Format.text
            static let help = "text, markdown, json or github (GitHub Actions annotations of the danger findings)."
        }

        @OptionGroup var output: OutputOptions<Format>

        @Option(
            help: ArgumentHelp(
                "Exit 1 when a danger finding is this severe or more: high, medium or low.", valueName: "SEVERITY"))
        var failOn: DangerSeverity?

        func validate() throws {
            if (envFrom == nil) != (envTo == nil) { throw ValidationError("--env-from and --env-to go together") }
            if !versions.isEmpty, versions.count != 2 {
                throw ValidationError("--versions takes two versions: --versions 0.1.0 0.1.1")
            }
            let modes = [base != nil, envFrom != nil, !versions.isEmpty].filter { $0 }.count
            if modes > 1 {
                throw ValidationError(
                    "compare git revisions, environments (--env-from/--env-to) or versions (--versions), one at a time")
            }
            if lane, envFrom != nil || !versions.isEmpty {
                throw ValidationError("--lane follows a git change; it does not go with --env-from or --versions")
            }
        }

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let sides: DiffRequest.Sides =
                    if let envFrom, let envTo {
                        .environments(from: envFrom, to: envTo)
                    } else if versions.count == 2 {
                        .versions(versions[0], versions[1])
                    } else {
                        .git(base: base, head: head)
                    }
                let cacheDirectory = cache.directory
                let report = try await Activity.during("rendering both sides") {
                    try await PlatformDiffer(
                        access: registry.access(), cacheDirectory: cacheDirectory, buildAll: buildAll
                    ).run(
                        DiffRequest(
                            repository: root, sides: sides, environment: env, allowRemote: allowRemote, lane: lane,
                            unconfined: wall.unconfined))
                }
                RenderCacheOptions.sayNotices(cacheDirectory)
                switch output.format {
                case .text: Terminal.out(DiffFormatter.styled(report))
                case .markdown: Terminal.out(DiffFormatter.markdown(report))
                case .json: Terminal.out(try Terminal.json(report))
                case .github: Terminal.outWorkflowCommands(DiffFormatter.github(report))
                }
                if report.hasProblems(strict: strict) || (exitCode && report.hasChanges) {
                    throw ExitCode.failure
                }
                if let failOn, report.environments.contains(where: { $0.dangers.contains { $0.severity >= failOn } }) {
                    throw ExitCode.failure
                }
            }
        }
    }
}
