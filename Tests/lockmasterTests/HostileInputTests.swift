import Foundation
import Support
import TestSupport
import Testing

/// Bad and hostile input: each case gets one clear error and its exit code, never a crash or a hang,
/// and changes nothing (git status and branches are compared before and after).
@Suite struct HostileInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var files: [String: String] = [:]
        var binary: [String: [UInt8]] = [:]
        var arguments: [String]
        var status: Int32
        /// A line of stderr (or stdout) must contain this.
        var expect: String
        var testDescription: String { name }
    }

    static let malformed: [(String, String, String)] = [
        ("unclosed double quote", "a: \"open\nb: c\n", "while scanning a quoted scalar"),
        ("unclosed single quote", "a: 'open\nb: c\n", "while scanning a quoted scalar"),
        ("tab indentation", "a:\n\tb: c\n", "found character that cannot start any token"),
        ("bad indentation", "a:\n  b: c\n d: e\n", "invalid YAML"),
        ("duplicate keys", "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n", "duplicate key"),
        ("unclosed flow sequence", "a: [1, 2\n", "invalid YAML"),
        ("unclosed flow mapping", "a: {b: 1\n", "invalid YAML"),
        ("undefined alias", "a: *nowhere\n", "found undefined alias"),
        ("mapping in a scalar line", "a: b: c\n", "mapping values are not allowed"),
        ("stray block scalar indicator", "a: |x\n  b\n", "invalid YAML"),
        ("unknown directive", "%FOO bar\n---\na: b\n", "invalid YAML"),
        ("document end garbage", "a: b\n... c\n", "invalid YAML"),
        ("anchor without node", "a: &\n", "invalid YAML"),
        ("bad escape", "a: \"\\q\"\n", "found unknown escape character"),
    ]

    static let cases: [Case] = {
        var cases =
            malformed.map { name, text, message in
                Case(
                    name: "malformed YAML: \(name)", files: ["clusters/development/bad.yaml": text],
                    arguments: ["status"], status: 1,
                    expect: "clusters/development/bad.yaml:")
            }
            + malformed.map { name, _, message in
                // The same inputs with check: the position and the reason, as a parse-error finding.
                Case(
                    name: "check reports: \(name)",
                    files: ["platform/configs/bad.yaml": malformed.first { $0.0 == name }!.1], arguments: ["check"],
                    status: 1,
                    expect: message == "invalid YAML" ? "[parse-error]" : message)
            }
        cases += [
            Case(
                name: "binary file named .yaml",
                binary: ["clusters/development/blob.yaml": [0xFF, 0xFE, 0x00, 0x9F, 0x92, 0x96]], arguments: ["status"],
                status: 1,
                expect: "clusters/development/blob.yaml:1:1: error: file is not UTF-8 text"),
            Case(
                name: "alias bomb", files: ["clusters/development/bomb.yaml": Self.bomb], arguments: ["status"],
                status: 1, expect: "an alias bomb?"),
            Case(
                name: "deep nesting",
                files: [
                    "clusters/development/deep.yaml": "a: " + String(repeating: "[", count: 50_000)
                        + String(repeating: "]", count: 50_000) + "\n"
                ],
                arguments: ["status"], status: 1, expect: "nested deeper than 512 levels"),
            Case(
                name: "deep block nesting",
                files: ["clusters/development/deep.yaml": String(repeating: "- ", count: 3000) + "x\n"],
                arguments: ["status"], status: 1, expect: "nested deeper than 512 levels"),
            Case(
                name: "signing: a trusted key outside the repository",
                files: ["lockmaster.yaml": "signing: {trustedKeys: [../../../etc/passwd]}\n"],
                arguments: ["verify", "production"], status: 1,
                expect: "signing.trustedKeys: ../../../etc/passwd is not a regular file inside the repository"),
            Case(
                name: "signing: a trusted key that is no key",
                files: [
                    "lockmaster.yaml": "signing: {trustedKeys: [keys/cosign.pub]}\n", "keys/cosign.pub": "hello\n",
                ],
                arguments: ["resolve", "production"], status: 1, expect: "keys/cosign.pub: not a PEM key"),
            Case(
                name: "signing: a private key committed as trusted",
                files: [
                    "lockmaster.yaml": "signing: {trustedKeys: [keys/cosign.pub]}\n",
                    "keys/cosign.pub":
                        "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n",
                ],
                arguments: ["verify", "production"], status: 1,
                expect: "keys/cosign.pub: this is a private key, where a public key belongs"),
            Case(
                name: "lockmaster.yaml: list for a string", files: ["lockmaster.yaml": "branch: [main]\n"],
                arguments: ["status"], status: 1,
                expect: "lockmaster.yaml:1:9: error: branch must be a non-empty string"),
            Case(
                name: "lockmaster.yaml: string for a list", files: ["lockmaster.yaml": "platformPaths: platform\n"],
                arguments: ["status"], status: 1,
                expect: "platformPaths must be a list of strings"),
            Case(
                name: "lockmaster.yaml: mapping at the top is a list", files: ["lockmaster.yaml": "- a\n- b\n"],
                arguments: ["status"], status: 1,
                expect: "the file must be a mapping"),
            Case(
                name: "lockmaster.yaml: bad boolean", files: ["lockmaster.yaml": "pinDigest: maybe\n"],
                arguments: ["status"], status: 1,
                expect: "pinDigest must be true or false"),
            Case(
                name: "lockmaster.yaml: bad regex", files: ["lockmaster.yaml": "sandbox: {namePattern: \"([\"}\n"],
                arguments: ["status"], status: 1,
                expect: "sandbox.namePattern is not a valid regular expression"),
            Case(
                name: "lockmaster.yaml: typo", files: ["lockmaster.yaml": "enviroments: [a]\n"], arguments: ["status"],
                status: 1,
                expect: "did you mean 'environments'?"),
            Case(
                name: "environment name with shell metacharacters",
                arguments: ["resolve", "staging; touch /tmp/lockmaster-pwned"], status: 1,
                expect: "no environment 'staging; touch /tmp/lockmaster-pwned'"),
            Case(
                name: "sandbox name with shell metacharacters",
                arguments: ["sandbox", "create", "OPS-1-x$(touch /tmp/lockmaster-pwned)"], status: 64,
                expect: "is not a sandbox name"),
            Case(
                name: "render of an unknown environment", arguments: ["render", "`id`"], status: 1,
                expect: "no environment '`id`'"),
            Case(
                name: "two-part version", arguments: ["publish", "--version", "1.2", "--allow-dirty"], status: 64,
                expect: "1.2 is not a version Flux can select"),
            Case(
                name: "version with four parts", arguments: ["promote", "production", "1.2.3.4"], status: 64,
                expect: "1.2.3.4 is not a version"),
            Case(
                name: "invalid range", arguments: ["resolve", "--range", ">= bar", "--from", "/nonexistent-layout"],
                status: 1, expect: "improper semver range"),
            Case(
                name: "invalid staging range",
                files: ["clusters/staging/platform.yaml": Self.staging(range: "~1.x.y.z")],
                arguments: ["resolve", "staging"], status: 1,
                expect: "improper semver range \"~1.x.y.z\""),
            Case(
                name: "oci URL with a tag",
                arguments: ["publish", "--to", "oci://registry.example.com/p:1.0", "--allow-dirty"], status: 1,
                expect: "is not an OCI repository URL"),
            Case(
                name: "oci URL with a digest",
                arguments: ["resolve", "--range", "*", "--from", "oci://registry.example.com/p@sha256:00"], status: 1,
                expect: "is not an OCI repository URL"),
            Case(
                name: "non-oci URL",
                arguments: ["resolve", "--range", "*", "--from", "https://registry.example.com/p"], status: 1,
                expect: "is not an OCI repository URL"),
            Case(
                name: "unknown kube version", arguments: ["check", "--kube-version", "2.0"], status: 64,
                expect: "--kube-version 2.0 is not a Kubernetes version"),
            Case(
                name: "unknown base revision", arguments: ["check", "--base", "no-such-ref"], status: 1,
                expect: "--base no-such-ref is not a revision"),
            Case(
                name: "very long file name",
                files: ["clusters/development/" + String(repeating: "n", count: 250) + ".yaml": "a: [\n"],
                arguments: ["status"], status: 1,
                expect: String(repeating: "n", count: 250) + ".yaml:"),
            Case(
                name: "diff with one version", arguments: ["diff", "--versions", "1.0.0"], status: 64,
                expect: "--versions takes two versions"),
            Case(
                name: "status --context without =", arguments: ["status", "--context", "production"], status: 64,
                expect: "--context takes ENV=NAME"),
            Case(
                name: "sandbox delete --execute without context",
                arguments: ["sandbox", "delete", "OPS-1-x", "--execute"], status: 64,
                expect: "--execute needs --context"),
            Case(
                name: "bad duration", arguments: ["sandbox", "delete", "OPS-1-x", "--timeout", "soon"], status: 64,
                expect: "The value 'soon' is invalid for '--timeout <DURATION>': not a duration"),
        ]
        return cases
    }()

    static var bomb: String {
        var lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        for index in 1..<10 {
            let previous = Character(UnicodeScalar(UInt8(96 + index)))
            let current = Character(UnicodeScalar(UInt8(97 + index)))
            lines.append(
                "\(current): &\(current) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func staging(range: String) -> String {
        """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: OCIRepository
        metadata: {name: platform, namespace: flux-system}
        spec: {url: "oci://registry.example.com/p", ref: {semver: "\(range)"}}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: platform-services, namespace: flux-system}
        spec: {path: ./platform/services, sourceRef: {kind: OCIRepository, name: platform}}

        """
    }

    @Test func theCorpusHasAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func oneClearErrorAndNothingChanged(_ hostile: Case) async throws {
        let repository = try TemporaryDirectory()
        #expect(
            try await LockmasterBinary.run([
                "init", repository.path, "--git-url", "https://git.example.com/p.git",
                "--artifact", "oci://registry.example.com/p",
            ]).status == 0)
        try repository.write(hostile.files)
        for (path, bytes) in hostile.binary {
            try repository.write(path, "")
            try Data(bytes).write(to: repository.url.appendingPathComponent(path))
        }
        try await TestGit.commitAll(in: repository.url)
        let before =
            try await TestGit.run(["status", "--porcelain"], in: repository.url)
            + TestGit.run(["branch", "-a", "-v"], in: repository.url)
        let output = try await LockmasterBinary.run(hostile.arguments + ["--repo", repository.path])
        #expect(
            output.status == hostile.status,
            "\(hostile.name): exit \(output.status), stderr: \(output.stderr.prefix(300))")
        #expect(
            (output.stderr + output.stdout).contains(hostile.expect),
            "\(hostile.name): \(output.stderr.prefix(400)) \(output.stdout.prefix(200))")
        #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Stack dump"))
        let after =
            try await TestGit.run(["status", "--porcelain"], in: repository.url)
            + TestGit.run(["branch", "-a", "-v"], in: repository.url)
        #expect(after == before, "\(hostile.name) changed the repository")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/lockmaster-pwned"))
    }
}
