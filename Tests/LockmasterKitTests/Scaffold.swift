import Foundation
import LockmasterKit
import TestSupport

/// The layout `lockmaster init` writes (development on main, staging ~0.1.0, production 0.1.0), the
/// starting point of the tests that work on the documented repository.
enum Scaffold {
    static let gitURL = "https://git.example.com/acme/platform.git"
    static let artifactURL = "oci://registry.example.com/acme/platform"

    /// Scaffolds `directory`; with `layout`, artifacts are published to that OCI layout directory while
    /// the clusters still pull from `artifactURL`.
    static func initialize(_ directory: TemporaryDirectory, publishingTo layout: TemporaryDirectory? = nil) async throws
    {
        _ = try await RepositoryInitializer(git: TestGit.client).run(
            InitRequest(
                directory: directory.url, gitURL: gitURL, artifact: layout?.path ?? artifactURL,
                artifactURL: layout == nil ? nil : artifactURL))
    }
}
