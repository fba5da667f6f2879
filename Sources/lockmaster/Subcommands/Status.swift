import ArgumentParser
import LockmasterKit
import Support

extension Lockmaster {
    struct Status: AsyncParsableCommand {
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

                This view is offline: it reads the repository only. Problems in files (invalid YAML, \
                unreadable files) are printed on stderr as path:line:col; they do not stop the report, \
                but the exit status is then 1.
                """
        )

        @OptionGroup var repository: RepositoryOptions

        @Option(name: .shortAndLong, help: "Output format: table or json.")
        var output: OutputFormat = .text

        func run() async throws {
            try await Terminal.run {
                let root = try await RepositoryLocator().locate(explicit: repository.repo)
                let report = try StatusReporter.report(repositoryRoot: root)
                for diagnostic in report.diagnostics { Terminal.err("\(diagnostic)\n") }
                Terminal.out(output == .json ? try Terminal.json(report) : StatusTextFormatter.format(report))
                // The report is still printed, but a file that could not be read is a finding.
                if report.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode.failure }
            }
        }
    }
}
