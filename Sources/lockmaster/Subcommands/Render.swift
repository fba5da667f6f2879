import ArgumentParser
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Render: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "The objects Flux would apply for an environment, rendered offline.",
            discussion: """
                Starts at the environment's directory and follows every Flux Kustomization through its \
                sourceRef and path, recursively: a GitRepository reads this repository (the work tree, \
                or --ref REF, read without touching the work tree); an OCIRepository reads the artifact \
                its range or pin resolves to (or --version) from the artifact repository. A path with a \
                kustomization file is built with 'kubectl kustomize --load-restrictor \
                LoadRestrictionsNone', one without gets Flux's generated kustomization. The Flux \
                Kustomization's targetNamespace, namePrefix/nameSuffix, patches, images, components and \
                commonMetadata apply, then postBuild substitution (substitute, substituteFrom \
                ConfigMaps in the render; Secret variables stay placeholders). A Kustomization that \
                cannot be built is reported on stderr and the rest still renders (exit status 1).

                Like Flux's own build, a build reads only inside its source root: an absolute path, \
                a ../ that climbs out or a symlink fails that Kustomization's build. kubectl runs \
                without credentials or this process's environment, and remote resources are not \
                fetched unless --allow-remote is given.

                Examples:
                  lockmaster render staging > staging.yaml
                  lockmaster render development --ref main~1 -o json
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(help: "The environment to render.", completion: Completions.environments)
        var environment: String

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var registry: RegistryOptions

        @Option(help: ArgumentHelp("Render the repository as of this git ref.", valueName: "REF"))
        var ref: String?

        @Option(help: ArgumentHelp("Render this artifact version for the environment's OCIRepository.", valueName: "V"))
        var version: String?

        @Flag(help: "Let kustomize fetch remote resources (Flux does unless --no-remote-bases is set).")
        var allowRemote = false

        @OptionGroup var cache: RenderCacheOptions

        @OptionGroup var wall: BuildWallOptions

        enum Format: String, OutputChoice {
            case yaml, json

            static let fallback = Format.yaml
            static let help = "yaml or json."
        }

        @OptionGroup var output: OutputOptions<Format>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let cacheDirectory = cache.directory
                let report = try await Activity.during("rendering \(environment)") {
                    try await PlatformRenderer(access: registry.access(), cacheDirectory: cacheDirectory).run(
                        RenderRequest(
                            repository: root, environment: environment, ref: ref, version: version,
                            allowRemote: allowRemote, unconfined: wall.unconfined))
                }
                RenderCacheOptions.sayNotices(cacheDirectory)
                Terminal.out(output.format == .json ? RenderFormatter.json(report) : RenderFormatter.yaml(report))
                Terminal.err("note: \(report.builds)\n")
                for warning in report.warnings { Terminal.err("warning: \(warning)\n") }
                for problem in report.problems {
                    Terminal.err("error: \(problem.kustomization) (\(problem.path)): \(problem.message)\n")
                }
                if !report.problems.isEmpty { throw ExitCode.failure }
            }
        }
    }
}
