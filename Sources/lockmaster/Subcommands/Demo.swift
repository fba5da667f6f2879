import ArgumentParser
import LockmasterKit

extension Lockmaster {
    struct Demo: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the whole story end to end in a temporary directory, offline.",
            discussion:
                "Prints each command as a user would type it, then what it printed. Needs no network and no services."
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Flag(help: "Keep the demo directory instead of removing it.")
        var keep = false

        func run() async throws {
            try await Terminal.run {
                try await DemoRunner(keep: keep).run { event in
                    switch event {
                    case .step(let title): Terminal.out("\n== \(title)\n")
                    case .command(let command): Terminal.out("$ \(command)\n")
                    case .output(let text): Terminal.out(text)
                    }
                }
            }
        }
    }
}
