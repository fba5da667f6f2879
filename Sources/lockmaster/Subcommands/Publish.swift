import ArgumentParser
import Artifacts
import Foundation
import LockmasterKit
import Platform

extension Lockmaster {
    struct Publish: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Package the platform and push it as a Flux OCI artifact under the next version.",
            discussion: """
                The artifact is what 'lockmaster package' builds, pushed in Flux's format: config \
                application/vnd.cncf.flux.config.v1+json, one layer application/vnd.cncf.flux.content.v1.tar+gzip, \
                and the annotations org.opencontainers.image.created (the commit's time), .source (the \
                origin remote) and .revision (<branch>@sha1:<commit>). Re-publishing a commit gives the \
                same digest.

                The version defaults to the next patch above the highest tag inside staging's semver \
                range (the first environment that tracks a range). --bump raises the highest existing \
                version instead; --version names one.

                Safe by construction: blobs go first (existing ones are skipped), the manifest last, \
                and the tag is read back. Content already published is a no-op that names its tag. A \
                tag holding other content is never overwritten unless --force. Uncommitted changes to \
                the platform files are refused unless --allow-dirty.

                Credentials: --username with --password-stdin, or LOCKMASTER_REGISTRY_USERNAME and \
                LOCKMASTER_REGISTRY_PASSWORD, or docker's config.json (auths, credHelpers, credsStore). \
                They are never printed. Flags and variables go only to the artifact repository's host \
                (--to, or artifact in lockmaster.yaml; LOCKMASTER_REGISTRY_HOST names it instead); any \
                other host gets only what docker's config.json holds for that exact host.

                Signing: with --sign-key FILE (or LOCKMASTER_SIGNING_KEY, or signing.key in \
                lockmaster.yaml) the published digest is signed as cosign signs it: the simple-signing \
                payload under the tag sha256-<hex>.sig, ECDSA P-256, appended to the signatures already \
                there. Flux's OCIRepository spec.verify (provider cosign, a Secret holding the \
                public key as cosign.pub) accepts it. A digest this key signed already gets nothing \
                new. --sign-key env://NAME reads the PEM from variable NAME, as cosign does (a CI \
                secret then never touches the disk). The key's passphrase: --passphrase-stdin, else \
                LOCKMASTER_SIGNING_PASSWORD. A key \
                is read before anything is pushed, so a bad key publishes nothing.

                Examples:
                  lockmaster publish                               # the next patch in staging's range
                  LOCKMASTER_SIGNING_PASSWORD=… lockmaster publish --sign-key cosign.key
                  lockmaster publish --bump minor
                  echo "$TOKEN" | lockmaster publish --version 1.5.0 --username ci --password-stdin
                """
        )

        @OptionGroup(title: "Output") var global: GlobalOptions

        @OptionGroup var repository: RepositoryOptions
        @OptionGroup var registry: RegistryOptions

        @Option(
            help: ArgumentHelp("Publish exactly this version (MAJOR.MINOR.PATCH).", valueName: "X"),
            transform: VersionArgument.parse)
        var version: VersionArgument?

        @Option(help: ArgumentHelp("Raise the highest published version: patch, minor or major.", valueName: "PART"))
        var bump: VersionBump?

        @Option(
            help: ArgumentHelp(
                "Where to publish (default: 'artifact' in lockmaster.yaml).", valueName: "oci://HOST/REPO|PATH"))
        var to: String?

        @Flag(help: "Move an existing tag that holds other content.")
        var force = false

        @Flag(help: "Publish although the platform files have uncommitted changes.")
        var allowDirty = false

        @Flag(help: "Package what symbolic links inside the repository point to.")
        var followSymlinks = false

        @Option(
            help: ArgumentHelp(
                "Sign the published digest with this ECDSA P-256 private key (PKCS#8 PEM), or env://NAME.",
                valueName: "FILE"),
            completion: .file())
        var signKey: String?

        @OptionGroup var passphrase: PassphraseOptions

        @OptionGroup var output: OutputOptions<OutputFormat>

        func validate() throws {
            if version != nil, bump != nil { throw ValidationError("--version and --bump exclude each other") }
            if passphrase.passphraseStdin, registry.passwordStdin {
                throw ValidationError(
                    "--passphrase-stdin and --password-stdin both read standard input; set LOCKMASTER_SIGNING_PASSWORD instead"
                )
            }
        }

        func run() async throws {
            try await Terminal.run {
                let root = try await repository.root()
                let choice: PublishRequest.Version = version.map { .exact($0.tag) } ?? bump.map { .bump($0) } ?? .next
                let key = try SigningKeys.signingKey(
                    explicit: signKey, settings: try SettingsLoader.load(repositoryRoot: root), root: root,
                    environment: ProcessInfo.processInfo.environment, passphrase: passphrase.passphrase())
                let report = try await PlatformPublisher(access: registry.access()).run(
                    PublishRequest(
                        repository: root, version: choice, target: to, force: force, allowDirty: allowDirty,
                        followSymlinks: followSymlinks,
                        progress: Terminal.uploadProgress(), signingKey: key))
                Terminal.out(try output.render(report, text: PublishTextFormatter.format))
            }
        }
    }
}
