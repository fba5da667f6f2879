import ArgumentParser
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Check: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "The merge guard: policy rules for a change, as path:line:col findings.",
            discussion: """
                Reads the work tree and compares it with --base (default: the merge base of HEAD and \
                the branch of record, or its origin/ branch in a clone without a local one; with \
                neither, check stops with an error rather than skip the rules about the change). The \
                branch of record is branch in lockmaster.yaml, else the remote's default branch \
                (origin/HEAD), else main, else master. The reference and identity \
                rules read each environment as Flux applies it: rendered offline with kubectl \
                kustomize from the work tree, never from the network. Rules:
                \(CheckRules.help.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

                A comment '# lockmaster:ignore=rule-id' on the finding's line, or anywhere in its YAML \
                document, silences it; silenced findings are listed. For the whole estate, the base's \
                lockmaster.yaml tunes a rule: check.rules sets it off, warning or error, and check.exclude \
                lists paths (gitignore-style) where it reports nothing; -o json lists every rule with the \
                severity it ran at. Exit status: 1 on any error, and on warnings with --strict; 0 otherwise.

                Examples:
                  lockmaster check
                  lockmaster check --target main --kube-version 1.31 --strict
                  lockmaster check --base origin/main -o github     # in a GitHub workflow
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        enum Format: String, OutputChoice {
            case text, json, github, gitlab

            static let fallback = Format.text
            static let help =
                "text, json, github (GitHub Actions annotations) or gitlab (a GitLab Code Quality report)."
        }

        @OptionGroup var repository: RepositoryOptions

        @Option(help: ArgumentHelp("Compare with this revision (default: the merge base with main).", valueName: "REF"))
        var base: String?

        @Option(
            help: ArgumentHelp(
                "Report Kubernetes API versions deprecated or removed in this release.", valueName: "X.Y"),
            transform: KubernetesRelease.parse)
        var kubeVersion: KubernetesRelease?

        @Option(
            help: ArgumentHelp(
                "The branch the change merges into (default: the CI's target branch, else main; on a sandbox's own branch its directory is allowed).",
                valueName: "BRANCH"))
        var target: String?

        @OptionGroup var cache: RenderCacheOptions

        @OptionGroup var wall: BuildWallOptions

        @Flag(help: "Fail on warnings too.")
        var strict = false

        @OptionGroup var output: OutputOptions<Format>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let cacheDirectory = cache.directory
                let report = try await MergeGuard(cacheDirectory: cacheDirectory).run(
                    CheckRequest(
                        repository: root, base: base, kubeVersion: kubeVersion, target: target,
                        unconfined: wall.unconfined))
                RenderCacheOptions.sayNotices(cacheDirectory)
                switch output.format {
                case .text: Terminal.out(CheckFormatter.styled(report))
                case .json: Terminal.out(try Terminal.json(report))
                case .github: Terminal.outWorkflowCommands(CheckFormatter.github(report))
                case .gitlab: Terminal.out(try CheckFormatter.gitlab(report))
                }
                if report.errors > 0 || (strict && report.warnings > 0) { throw ExitCode.failure }
            }
        }
    }
}
