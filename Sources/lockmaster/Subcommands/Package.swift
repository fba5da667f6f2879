import ArgumentParser
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Package: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the platform artifact (.tgz) reproducibly and print its digest and size.",
            discussion: """
                The artifact is the repository root filtered to the platform paths (platformPaths, \
                default platform), as 'flux push artifact --path=. --ignore-paths="*,!/platform/**"' \
                builds it, so ./platform/services means the same path in git and in the artifact. \
                .sourceignore files and the 'ignore' patterns of lockmaster.yaml are honoured with \
                gitignore semantics; files git ignores are left out.

                The result is reproducible: entries in Flux's order, modes 0644 (0755 for executables \
                and directories), owners and times zeroed, a gzip header with no name or time. Two \
                clones of one commit give the same digest whatever their umask, times or paths.

                Symbolic links are refused (Flux would drop them silently) unless --follow-symlinks \
                is given; links leading outside the repository are always refused.

                Without --out nothing is written: the digest is what 'publish' would push.

                Examples:
                  lockmaster package --out platform.tgz
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @OptionGroup var repository: RepositoryOptions

        @Option(help: ArgumentHelp("Write the .tgz here (atomically).", valueName: "FILE"))
        var out: String?

        @Flag(help: "Package what symbolic links inside the repository point to.")
        var followSymlinks = false

        @OptionGroup var output: OutputOptions<OutputFormat>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                let file = out.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
                let report = try await PlatformPackager().run(
                    PackageRequest(repository: root, output: file, followSymlinks: followSymlinks))
                if output.format == .json {
                    Terminal.out(try Terminal.json(report))
                } else {
                    Terminal.out(
                        "\(report.digest)  \(report.size) bytes  \(report.files) files"
                            + (report.path.map { "  \($0)" } ?? "") + "\n")
                }
            }
        }
    }
}
