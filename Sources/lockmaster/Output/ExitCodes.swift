import ArgumentParser
import LockmasterKit
import Platform
import Support

/// The exit code contract: 0 for success, 1 for a failure the repository, registry or cluster caused (or a
/// finding a flag makes fatal), 64 for a usage error (how the command was typed), 128 + the signal (130, 143) when one stops the run.
extension Terminal {
    /// Runs a command body, turning library errors into one clear line on stderr and the exit code
    /// contract: 64 for usage errors, 1 for everything else.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
            // A signal that is stopping the process (removing its scratch directories) decides the exit.
            Interruption.holdIfStopping()
        } catch let error as ExitCode {
            Interruption.holdIfStopping()
            throw error
        } catch let error as SettingsError {
            Interruption.holdIfStopping()
            for diagnostic in error.diagnostics { err("\(diagnostic)\n") }
            throw ExitCode.failure
        } catch {
            // What failed because a signal took the scratch directories away is not the error to report.
            Interruption.holdIfStopping()
            err("lockmaster: error: \(error)\n")
            throw isUsageError(error) ? ExitCode.validationFailure : ExitCode.failure
        }
    }

    /// Errors that come from how the command was typed (a flag value, a name) rather than from the
    /// repository, the registry or the cluster.
    static func isUsageError(_ error: any Error) -> Bool {
        switch error {
        case is RepositoryLocationError: true
        case let error as InitError:
            switch error {
            case .missingGitURL, .missingArtifact, .missingArtifactURL, .invalidArtifactURL: true
            default: false
            }
        case SandboxError.invalidName: true
        case PromoteError.notSemver, PromoteError.forceNeedsReason: true
        case PublishError.notSemver: true
        default: false
        }
    }
}
