import ArgumentParser
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Resolve: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which tag and digest an environment picks right now, exactly as Flux would.",
            discussion: """
                For an environment that tracks a range (spec.ref.semver, with spec.ref.semverFilter), \
                the tags are listed, the filter and range applied with Flux's rules, and the highest \
                version wins; its manifest digest and the revision Flux reports (<tag>@sha256:<hex>) \
                are printed with the artifact's source and revision annotations and the other \
                candidates in order. Versions of equal precedence are marked as ties: Flux's sort is \
                unstable and may pick any of them. For a pinned environment: the pinned tag's digest.

                Downgrade guard: a range that resolves lower than a version the environment already \
                ran (a later environment was pinned to it, and promotions take what the environment \
                before ran) is a warning naming both versions: a tag was deleted, and Flux follows \
                the range down. --fail-on-downgrade exits 1 then; status shows it too, and with \
                --live compares with what the cluster fetched.

                The artifact repository is --from, else 'artifact' in lockmaster.yaml, else the \
                environment's OCIRepository URL. Without an environment: --range R --from URL.

                Examples:
                  lockmaster resolve staging
                  lockmaster resolve --range '~1.4.0' --from oci://ghcr.io/acme/platform
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(
            help: "The environment to resolve (a directory under clusters/).", completion: Completions.environments)
        var environment: String?

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var registry: RegistryOptions

        @Option(help: ArgumentHelp("A semver range to resolve instead of an environment's.", valueName: "R"))
        var range: String?

        @Option(
            help: ArgumentHelp(
                "A regular expression tags must match first (like spec.ref.semverFilter).", valueName: "REGEX"))
        var filter: String?

        @Option(help: ArgumentHelp("The artifact repository.", valueName: "oci://HOST/REPO|PATH"))
        var from: String?

        @Flag(help: "Exit 1 when the range resolves lower than a version the environment already ran.")
        var failOnDowngrade = false

        @OptionGroup var output: OutputOptions<OutputFormat>

        func validate() throws {
            if environment == nil, range == nil || from == nil {
                throw ValidationError("name an environment, or give both --range and --from")
            }
            if environment != nil, range != nil {
                throw ValidationError("--range replaces the environment's range; give one or the other")
            }
        }

        func run() async throws {
            try await Terminal.run {
                let root: URL? = environment == nil && repository.repo == nil ? nil : try await repository.root()
                let report = try await Activity.during("asking the artifact repository") {
                    try await EnvironmentResolver(access: registry.access()).run(
                        ResolveRequest(
                            repository: root, environment: environment, range: range, filter: filter, from: from,
                            checkDowngrade: true))
                }
                Terminal.out(try output.render(report, text: ResolveTextFormatter.format))
                if failOnDowngrade, report.downgrade != nil { throw ExitCode.failure }
            }
        }
    }
}
