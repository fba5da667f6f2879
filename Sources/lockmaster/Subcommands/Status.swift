import ArgumentParser
import Foundation
import LockmasterKit
import Support

extension Lockmaster {
    struct Status: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every environment: its kind, platform source, ref and platform Kustomizations.",
            discussion: """
                An environment is a directory under the clusters directory (clustersDir, default \
                clusters). It is classified by the source its platform Kustomizations reference, \
                never by its name:
                  tracks-branch  GitRepository spec.ref.branch (development → main)
                  tracks-range   OCIRepository spec.ref.semver (staging → ~1.4.0)
                  pinned         OCIRepository spec.ref.tag or digest (production → 1.4.2)
                  unknown        with the reason

                RUNS is what the environment runs now: the branch's commit, or the tag, digest and \
                source revision its range or pin resolves to in the artifact repository, exactly as \
                Flux would report it. BEHIND compares each environment with the one before it in the \
                promotion order (commits, or versions). With --live, each environment whose kube \
                context is set in lockmaster.yaml (contexts:) or given with --context ENV=NAME is asked \
                for its Flux sources and Kustomizations: Ready, the applied revision, and whether it is \
                the expected one. Environments are resolved concurrently; one that cannot be reached \
                says so in its own row. --offline reads the repository only.

                Problems in files (invalid YAML, unreadable files) are printed on stderr as \
                path:line:col; they do not stop the report, but the exit status is then 1.

                Examples:
                  lockmaster status
                  lockmaster status --live --context production=prod-eu-1
                  lockmaster status -o html > status.html
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @OptionGroup var repository: RepositoryOptions

        @OptionGroup var registry: RegistryOptions

        @Flag(help: "Read the repository only: no artifact repository, no git resolution.")
        var offline = false

        @Flag(help: "Also ask each environment's cluster (contexts from lockmaster.yaml).")
        var live = false

        @Option(
            help: ArgumentHelp(
                "The kube context of an environment's cluster (repeatable); implies --live for it.",
                valueName: "ENV=NAME"),
            transform: ContextPair.parse)
        var context: [ContextPair] = []

        @OptionGroup var output: OutputOptions<StatusFormat>

        enum StatusFormat: String, OutputChoice {
            case text, json, html

            static let fallback = StatusFormat.text
            static let help = "table, json, or html (one self-contained page: the promotion lane and recent history)."

            init?(argument: String) {
                switch argument {
                case "text", "table": self = .text
                case "json": self = .json
                case "html": self = .html
                default: return nil
                }
            }
        }

        func validate() throws {
            if offline, live || !context.isEmpty { throw ValidationError("--offline excludes --live and --context") }
        }

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let contexts = Dictionary(context.map { ($0.environment, $0.context) }) { _, last in last }
                let waiting =
                    live || !contexts.isEmpty
                    ? "asking the registry and the clusters" : "resolving what each environment runs"
                let report = try await Activity.during(waiting) {
                    try await FleetStatus(access: registry.access()).run(
                        FleetStatusRequest(repository: root, resolve: !offline, live: live, contexts: contexts))
                }
                for diagnostic in report.diagnostics { Terminal.err("\(diagnostic)\n") }
                switch output.format {
                case .text: Terminal.out(StatusTextFormatter.styled(report))
                case .json: Terminal.out(try Terminal.json(report))
                case .html:
                    let history =
                        report.explanation == nil
                        ? try await EnvironmentHistory(access: registry.access()).run(repository: root) : []
                    Terminal.out(
                        StatusHTMLFormatter.format(
                            report, history: history, generated: ISO8601DateFormatter().string(from: Date())))
                }
                // The report is still printed, but a file that could not be read is a finding.
                if report.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode.failure }
            }
        }
    }
}
