import ArgumentParser
import Foundation
import LockmasterKit

/// `--repo DIR`, shared by every command that reads the platform repository.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The platform repository (default: the git work tree you stand in).", valueName: "DIR"))
    var repo: String?

    /// The repository's root: `--repo`, or the work tree the command runs in.
    func root() async throws -> URL {
        try await RepositoryLocator().locate(explicit: repo)
    }
}
