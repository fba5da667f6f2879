import ArgumentParser

/// `--repo DIR`, shared by every command that reads the platform repository.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The platform repository (default: the git work tree you stand in).", valueName: "DIR"))
    var repo: String?
}
