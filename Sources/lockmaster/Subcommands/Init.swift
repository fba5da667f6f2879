import ArgumentParser
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Init: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scaffold a platform repository: clusters/{development,staging,production} and platform/.",
            discussion: """
                development gets a GitRepository tracking the branch of record (main); staging an \
                OCIRepository tracking the patch range ~0.1.0; production an OCIRepository pinned to \
                tag 0.1.0; each with Flux Kustomizations for ./platform/configs, ./platform/services \
                and ./platform/service-configs. Current Flux APIs: source v1, kustomize v1.

                With --adopt, init adopts an estate Flux already runs instead: it finds each \
                cluster's entry (a flux-system/gotk-sync.yaml, a FluxInstance, or the flux-instance \
                chart's values in a HelmRelease), the clusters directory above them, the platform \
                paths their Flux Kustomizations point at, the branch of record and each environment's \
                role, and writes only lockmaster.yaml, with a comment before each key saying what was \
                found. It refuses when lockmaster.yaml exists.

                init never overwrites a file. Re-running it on an initialised repository changes \
                nothing; a directory holding other files at those paths is refused, with the paths named. \
                A directory outside any git work tree gets 'git init'.

                Examples:
                  lockmaster init platform \\
                    --git-url ssh://git@github.com/acme/platform \\
                    --artifact oci://ghcr.io/acme/platform
                  lockmaster init --artifact ./artifacts \\
                    --artifact-url oci://registry.internal/platform
                  lockmaster init --adopt            # in a home-ops or fleet repository
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: ArgumentHelp("The directory to scaffold (created if missing).", valueName: "DIR"))
        var directory: String = "."

        @Option(
            name: .long,
            help: ArgumentHelp("DIR, spelled as every other command takes the repository.", valueName: "DIR"))
        var repo: String?

        @Option(
            help: ArgumentHelp("The platform repository's git URL (default: the 'origin' remote).", valueName: "URL"))
        var gitURL: String?

        @Option(
            help: ArgumentHelp(
                "Where platform artifacts are published: oci://HOST/REPO, or a local OCI layout directory (default: 'artifact' in lockmaster.yaml).",
                valueName: "oci://HOST/REPO|PATH"))
        var artifact: String?

        @Option(
            help: ArgumentHelp(
                "The oci:// URL clusters pull from, when --artifact is a local directory.", valueName: "oci://HOST/REPO"
            ))
        var artifactURL: String?

        @Flag(help: "Adopt the Flux estate in DIR: detect its layout and write only lockmaster.yaml.")
        var adopt = false

        @OptionGroup var output: OutputOptions<OutputFormat>

        func validate() throws {
            if repo != nil, directory != "." {
                throw ValidationError("give the directory once: as DIR or as --repo DIR")
            }
            if adopt, gitURL != nil || artifactURL != nil {
                throw ValidationError(
                    "--adopt reads the git URL from the repository and writes no manifests: leave out --git-url and --artifact-url"
                )
            }
        }

        func run() async throws {
            try await Terminal.run {
                let directory = URL(
                    fileURLWithPath: repo ?? directory,
                    relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                if adopt {
                    let report = try await EstateAdopter().run(AdoptRequest(directory: directory, artifact: artifact))
                    Terminal.out(try output.render(report, text: AdoptTextFormatter.format))
                    return
                }
                let result = try await RepositoryInitializer().run(
                    InitRequest(directory: directory, gitURL: gitURL, artifact: artifact, artifactURL: artifactURL))
                Terminal.out(try output.render(result, text: InitTextFormatter.format))
            }
        }
    }
}
