import ArgumentParser
import Artifacts
import Foundation
import LockmasterKit

extension Lockmaster {
    struct Keygen: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new ECDSA P-256 key pair for signing published artifacts.",
            discussion: """
                Writes PREFIX.key, the private key as PKCS#8 PEM with mode 0600, and PREFIX.pub, the \
                public key as PKIX PEM: the form Flux's cosign verifier reads from every key ending in \
                .pub of the Secret that an OCIRepository's spec.verify.secretRef names. Neither file \
                is ever replaced; the key is never printed.

                The private key is encrypted (PBES2: PBKDF2-HMAC-SHA256, 600,000 iterations, \
                AES-256-CBC, as openssl and Python's cryptography read it) when a passphrase is given: \
                --passphrase-stdin, else LOCKMASTER_SIGNING_PASSWORD. publish reads it the same way. \
                An existing PKCS#8 P-256 key (openssl genpkey -algorithm EC -pkeyopt \
                ec_paramgen_curve:P-256) works as well; cosign signs with it after cosign import-key-pair.

                Then: commit PREFIX.pub, list it under signing.trustedKeys in lockmaster.yaml, store \
                PREFIX.key as a CI secret, and give the cluster the public key:
                  kubectl -n flux-system create secret generic cosign-pub --from-file=cosign.pub=PREFIX.pub

                Examples:
                  lockmaster keygen                                # cosign.key and cosign.pub here
                  printf '%s\\n' "$PASSPHRASE" | lockmaster keygen --output keys/platform --passphrase-stdin
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Option(
            help: ArgumentHelp("Where to write: PREFIX.key and PREFIX.pub.", valueName: "PREFIX"), completion: .file())
        var output: String = "cosign"

        @OptionGroup var passphrase: PassphraseOptions

        @Option(
            name: [.customShort("o"), .customLong("format")],
            help: ArgumentHelp("Output format: text or json.", valueName: "FORMAT"))
        var format: OutputFormat = .text

        func run() async throws {
            try await Terminal.run {
                let secret =
                    passphrase.passphrase() ?? ProcessInfo.processInfo.environment["LOCKMASTER_SIGNING_PASSWORD"]
                let report = try KeyGenerator.run(prefix: URL(fileURLWithPath: output), passphrase: secret)
                Terminal.out(format == .json ? try Terminal.json(report) : KeygenTextFormatter.format(report))
            }
        }
    }

    struct Verify: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the cosign signatures of what an environment runs, or of a version.",
            discussion: """
                Resolves ENV as 'lockmaster resolve' does (or looks VERSION up in the artifact \
                repository), then checks the signatures stored for its manifest digest under the tag \
                sha256-<hex>.sig as Flux's spec.verify does with a Secret of public keys: a signature \
                counts when one of the trusted keys made it (ECDSA-SHA256 over the simple-signing \
                payload) and the payload names this very digest. A signature for another digest, a \
                changed payload or an unknown key does not count, and a tag moved to other content \
                is checked for that content.

                Trusted keys: signing.trustedKeys in lockmaster.yaml (paths in the repository), or \
                --key FILE (repeatable) instead.

                Exit status: 0 signed, 1 unsigned or invalid (the reasons are printed).

                Examples:
                  lockmaster verify production
                  lockmaster verify 1.4.2 --key cosign.pub -o json
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @Argument(
            help: ArgumentHelp("An environment, or a published version.", valueName: "ENV|VERSION"),
            completion: Completions.environments)
        var target: String

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var registry: RegistryOptions

        @Option(
            name: .customLong("key"),
            help: ArgumentHelp(
                "A trusted public key (PEM) instead of signing.trustedKeys; repeatable.", valueName: "FILE"),
            completion: .file())
        var keys: [String] = []

        @Option(help: ArgumentHelp("The artifact repository.", valueName: "oci://HOST/REPO|PATH"))
        var from: String?

        @OptionGroup var output: OutputOptions<OutputFormat>

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let report = try await Activity.during("checking signatures") {
                    try await ArtifactVerifier(access: registry.access()).run(
                        VerifyRequest(repository: root, target: target, keys: keys, from: from))
                }
                if output.format == .json {
                    Terminal.out(try Terminal.json(report))
                } else {
                    Terminal.out(VerifyTextFormatter.styled(report))
                }
                if report.signature.state != .signed { throw ExitCode.failure }
            }
        }
    }
}
