import Foundation
import Support
import TestSupport
import Testing

/// Every command runs with known secrets in play — a registry password (flag, environment, docker
/// config), a Secret's values — and none of them may appear in anything printed.
@Suite(.serialized) struct SecretLeakTests {
    static let password = "Zeta-Pass-4711-do-not-print"
    static let secretValue = "Omega-Secret-Value-0815"

    @Test func noCommandPrintsASecret() async throws {
        let registry = try await LocalRegistry(authentication: .basic(username: "robot", password: Self.password))
        let repository = try TemporaryDirectory()
        #expect(
            try await LockmasterBinary.run([
                "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
                registry.url("platform"),
            ]).status == 0)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try repository.write(
            "platform/configs/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: api, namespace: keda}\nstringData: {token: \(Self.secretValue)}\ndata: {key: \(Data(Self.secretValue.utf8).base64EncodedString())}\n"
        )
        try await TestGit.commitAll(in: repository.url)
        try await TestGit.run(["remote", "add", "origin", "https://git.example.com/p.git"], in: repository.url)
        let basic = Data("robot:\(Self.password)".utf8).base64EncodedString()
        try repository.write(".docker/config.json", #"{"auths": {"\#(registry.host)": {"auth": "\#(basic)"}}}"#)
        try repository.write(".gitignore", ".docker/\n")
        try await TestGit.commitAll(in: repository.url, message: "ignore docker config")
        let withEnvironment = ["LOCKMASTER_REGISTRY_USERNAME": "robot", "LOCKMASTER_REGISTRY_PASSWORD": Self.password]
        let withDocker = ["DOCKER_CONFIG": repository.url.appendingPathComponent(".docker").path]
        let wrong = ["LOCKMASTER_REGISTRY_USERNAME": "robot", "LOCKMASTER_REGISTRY_PASSWORD": Self.password + "-wrong"]

        let runs: [([String], [String: String], String?)] = [
            (["publish"], withEnvironment, nil),
            (
                ["publish", "--bump", "minor", "--username", "robot", "--password-stdin", "-o", "json"], [:],
                Self.password + "\n"
            ),
            (["publish", "--bump", "minor"], wrong, nil),
            (["publish", "--bump", "minor"], withDocker, nil),
            (["resolve", "staging", "-o", "json"], withEnvironment, nil),
            (["resolve", "staging"], wrong, nil),
            (["status", "-o", "json"], withDocker, nil),
            (["status"], wrong, nil),
            (["history", "-o", "json"], withEnvironment, nil),
            (["promote", "production", "0.1.0"], withEnvironment, nil),
            (["check", "-o", "json"], [:], nil),
            (["render", "development"], [:], nil),
            (["render", "development", "-o", "json"], [:], nil),
            (["diff", "--env", "development", "-o", "markdown"], [:], nil),
            (["diff", "--versions", "0.1.0", "0.2.0", "-o", "json"], withEnvironment, nil),
            (["package", "-o", "json"], [:], nil),
            (["sandbox", "create", "OPS-1-leak", "-o", "json"], [:], nil),
            (["sandbox", "list"], [:], nil),
            (["sandbox", "delete", "OPS-1-leak", "-o", "json"], [:], nil),
            // --verbose prints every command line: credentials must not be on any of them.
            (
                ["--verbose", "publish", "--bump", "minor", "--username", "robot", "--password-stdin"], [:],
                Self.password + "\n"
            ),
            (["--verbose", "status"], withDocker, nil),
        ]
        // The Secret changes in the work tree, so diff has a Secret change to show.
        var leaks: [String] = []
        for (index, (arguments, environment, input)) in runs.enumerated() {
            if index == 13 {
                try repository.write(
                    "platform/configs/secret.yaml",
                    try repository.read("platform/configs/secret.yaml").replacingOccurrences(
                        of: "token: ", with: "token: x"))
            }
            let output = try await LockmasterBinary.run(
                arguments + ["--repo", repository.path], environment: environment, standardInput: input)
            // The secrets were in play: the Secret is rendered (hidden) and its change is diffed (by key).
            if arguments == ["render", "development"] { #expect(output.stdout.contains("token: <hidden sha256:")) }
            if arguments.first == "diff", arguments.contains("markdown") {
                #expect(output.stdout.contains("secret stringData.token: changed"))
            }
            if arguments.first == "publish", environment == wrong {
                #expect(output.stderr.contains("rejected the credentials"))
            }
            for secret in [Self.password, basic, Self.secretValue, Data(Self.secretValue.utf8).base64EncodedString()]
            where output.stdout.contains(secret) || output.stderr.contains(secret) {
                leaks.append("\(arguments.joined(separator: " ")) printed \(secret.prefix(6))…")
            }
        }
        #expect(leaks == [])
        print("secrets: \(runs.count) command runs searched for 4 secret strings, \(leaks.count) leaks")
    }

    /// A signing key and its passphrase are in play (a file, a variable, stdin); neither the passphrase
    /// nor any line of the key, encrypted or not, is printed.
    @Test func noCommandPrintsASigningKey() async throws {
        let passphrase = "Kappa-Phrase-2718-do-not-print"
        let keys = try TemporaryDirectory()
        let repository = try TemporaryDirectory()
        #expect(
            try await LockmasterBinary.run([
                "init", repository.path, "--git-url", "https://git.example.com/p.git", "--artifact",
                keys.path + "/layout",
                "--artifact-url", "oci://registry.example.com/p",
            ]).status == 0)
        try repository.write("platform/services/keda.yaml", PlatformFixture.keda())
        try await TestGit.commitAll(in: repository.url)
        let made = try await LockmasterBinary.run(
            ["--verbose", "keygen", "--output", keys.path + "/k", "--passphrase-stdin"],
            standardInput: passphrase + "\n")
        #expect(made.status == 0)
        let encrypted = try keys.read("k.key")
        let plain = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "openssl", ["pkey", "-passin", "pass:" + passphrase], standardInput: Data(encrypted.utf8))
        ).stdout
        let secrets =
            [passphrase] + (encrypted + plain).split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init)
        let runs: [([String], [String: String], String?)] = [
            (
                ["--verbose", "publish", "--sign-key", keys.path + "/k.key", "-o", "json"],
                ["LOCKMASTER_SIGNING_PASSWORD": passphrase], nil
            ),
            (
                ["--verbose", "publish", "--sign-key", keys.path + "/k.key", "--passphrase-stdin"], [:],
                passphrase + "\n"
            ),
            (
                ["--verbose", "publish", "--sign-key", keys.path + "/k.key"],
                ["LOCKMASTER_SIGNING_PASSWORD": passphrase + "-wrong"], nil
            ),
            (["--verbose", "publish", "--sign-key", "env://KEY"], ["KEY": plain], nil),
            (["--verbose", "publish", "--sign-key", "env://KEY"], ["KEY": encrypted], nil),
            (["--verbose", "verify", "0.1.0", "--key", keys.path + "/k.pub", "-o", "json"], [:], nil),
        ]
        var leaks: [String] = []
        var statuses: [Int32] = []
        for (arguments, environment, input) in [(["keygen"], [:], nil)] + runs {
            let output =
                arguments == ["keygen"]
                ? made
                : try await LockmasterBinary.run(
                    arguments + ["--repo", repository.path], environment: environment, standardInput: input)
            statuses.append(output.status)
            for secret in secrets where output.stdout.contains(secret) || output.stderr.contains(secret) {
                leaks.append("\(arguments.joined(separator: " ")) printed \(secret.prefix(6))…")
            }
        }
        // The key was used: every run signed or verified, except the wrong passphrase and the encrypted
        // key in a variable without one.
        #expect(statuses == [0, 0, 0, 1, 0, 1, 0])
        #expect(leaks == [])
        print(
            "signing secrets: \(runs.count + 1) command runs searched for \(secrets.count) secret strings, \(leaks.count) leaks"
        )
    }
}
