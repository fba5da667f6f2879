import ArgumentParser
import Platform

extension Lockmaster {
    struct Schema: ParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of lockmaster.yaml.",
            discussion: """
                The schema Lockmaster itself validates lockmaster.yaml with. init writes it to \
                lockmaster.schema.json beside lockmaster.yaml, whose first line \
                (# yaml-language-server: $schema=lockmaster.schema.json) points editors with a YAML \
                language server at it. After upgrading Lockmaster, refresh that copy with \
                lockmaster schema > lockmaster.schema.json.
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        func run() throws {
            print(SettingsSchema.json)
        }
    }
}
