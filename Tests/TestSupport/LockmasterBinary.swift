public import Foundation
public import Support

/// Runs the built `lockmaster` executable, as a user would.
public enum LockmasterBinary {
    /// `LOCKMASTER_BIN` when set (the test script sets it), otherwise the executable beside the test bundle.
    public static var url: URL {
        if let path = ProcessInfo.processInfo.environment["LOCKMASTER_BIN"] { return URL(fileURLWithPath: path) }
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("lockmaster")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/lockmaster")
    }

    /// The render cache of this test run: never the user's. A test of the cache passes its own
    /// `XDG_CACHE_HOME`.
    public static let cacheHome = FileManager.default.temporaryDirectory.appendingPathComponent(
        "lockmaster-test-cache-\(ProcessInfo.processInfo.processIdentifier)"
    ).path

    /// Runs `lockmaster arguments…` in `directory`; `prefix` runs it through another program (e.g. setpriv).
    public static func run(
        _ arguments: [String], in directory: URL? = nil, prefix: [String] = [], environment: [String: String] = [:],
        standardInput: String? = nil
    ) async throws -> ProcessOutput {
        let argv = prefix + [url.path] + arguments
        return try await SystemProcessRunner().run(
            ProcessInvocation(
                argv[0], Array(argv.dropFirst()), workingDirectory: directory,
                environment: TestGit.environment.merging(["XDG_CACHE_HOME": cacheHome]) { _, new in new }.merging(
                    environment
                ) { _, new in new }, timeout: .seconds(60),
                standardInput: standardInput.map { Data($0.utf8) }))
    }
}

extension LockmasterBinary {
    /// A repository scaffolded by `lockmaster init` that publishes to an OCI layout directory, with `service`
    /// (KEDA unless nil) as its one platform service, committed. Throws unless init succeeds.
    public static func scaffold(service: String? = PlatformFixture.keda()) async throws -> (
        layout: TemporaryDirectory, repository: TemporaryDirectory
    ) {
        let layout = try TemporaryDirectory()
        let repository = try TemporaryDirectory()
        let initialised = try await run([
            "init", repository.path, "--git-url", "https://git.example.com/p.git",
            "--artifact", layout.path, "--artifact-url", "oci://registry.example.com/p",
        ])
        guard initialised.status == 0 else { throw ScaffoldError(description: initialised.stderr) }
        if let service { try repository.write("platform/services/keda.yaml", service) }
        try await TestGit.commitAll(in: repository.url)
        return (layout, repository)
    }

    struct ScaffoldError: Error, CustomStringConvertible { var description: String }
}
