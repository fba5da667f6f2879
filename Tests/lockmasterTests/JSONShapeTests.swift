import Foundation
import Support
import TestSupport
import Testing

/// Every `-o json` output matches its documented schema in docs/schemas/, read by an independent
/// validator (Python jsonschema). The schemas forbid undocumented keys, so a new field fails here
/// until it is documented. stdout must be one JSON document: no human message mixed in.
@Suite struct JSONShapeTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TestSupport/json_samples.sh").path

    @Test func everyCommandMatchesItsSchema() async throws {
        let samples = try TemporaryDirectory()
        let kubectl = try KubectlStandIn()
        let kustomize = "kustomize.toolkit.fluxcd.io/v1"
        try kubectl.answer(
            context: "dev-ctx",
            objects: [
                KubectlStandIn.object(
                    apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", name: "platform", ready: true,
                    status: ["artifact": ["revision": "main@sha1:0000000000000000000000000000000000000000"]]),
                KubectlStandIn.object(
                    apiVersion: kustomize, kind: "Kustomization", name: "platform-services", ready: false,
                    message: "HelmRelease keda not ready",
                    suspended: true,
                    status: ["lastAppliedRevision": "main@sha1:0000000000000000000000000000000000000000"]),
            ])
        let bin = LockmasterBinary.url.deletingLastPathComponent().path
        let output = try await SystemProcessRunner().run(
            ProcessInvocation(
                "bash", [Self.script, samples.url.path],
                environment: TestGit.environment.merging([
                    "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                    "LOCKMASTER_KUBECTL": kubectl.program,
                ]) { _, new in new }, timeout: .seconds(300)))
        #expect(output.status == 0, "\(output.stderr)")

        let files = try FileManager.default.contentsOfDirectory(atPath: samples.url.path).sorted()
        var covered: Set<String> = []
        for file in files {
            let schema = String(file.prefix { $0 != "." })
            covered.insert(schema)
            let url = samples.url.appendingPathComponent(file)
            let verdict = try await JSONSchemaPeer.validate(
                [url], against: JSONSchemaPeer.schemas.appendingPathComponent("\(schema).schema.json"))
            #expect(
                verdict[url.path] == .some(nil), "\(file): \(String(describing: verdict[url.path] ?? "not validated"))")
        }
        let documented = try FileManager.default.contentsOfDirectory(atPath: JSONSchemaPeer.schemas.path)
            .map { $0.replacingOccurrences(of: ".schema.json", with: "") }.filter { $0 != "lockmaster.yaml" }
        #expect(Set(documented) == covered, "schemas without a sample, or samples without a schema")
        #expect(files.count == 33)

        // The optional parts the samples are there to reach.
        let status = try String(contentsOf: samples.url.appendingPathComponent("status.live.json"), encoding: .utf8)
        #expect(status.contains("\"live\"") && status.contains("Unable to connect"))
        let instance = try String(
            contentsOf: samples.url.appendingPathComponent("status.instance.json"), encoding: .utf8)
        #expect(instance.contains("\"instance\" : {") && instance.contains("\"name\" : \"flux-system/flux\""))
        let check = try String(contentsOf: samples.url.appendingPathComponent("check.findings.json"), encoding: .utf8)
        #expect(check.contains("\"silenced\" : [\n    {"))
        // Signatures: added, already there, verified on resolve, status and promote, and missing.
        for (file, text) in [
            ("publish.new.json", "\"added\" : true"), ("publish.again.json", "\"added\" : false"),
            ("resolve.range.json", "\"state\" : \"signed\""), ("status.json", "\"state\" : \"signed\""),
            ("promote.json", "\"state\" : \"signed\""), ("verify.unsigned.json", "\"state\" : \"unsigned\""),
            ("diff.dangers.json", "\"rule\" : \"downgrade\""), ("diff.dangers.json", "\"when\" : \"next-publish\""),
            ("resolve.downgrade.json", "\"downgrade\" : {"), ("status.downgrade.json", "\"downgrade\" : {"),
            ("sandbox-gc.json", "\"steps\" : ["), ("sandbox-list.json", "\"lease\" : {"),
        ] {
            #expect(
                try String(contentsOf: samples.url.appendingPathComponent(file), encoding: .utf8).contains(text),
                "\(file)")
        }
    }

    /// The check above can fail: an undocumented key, a wrong type and a bad digest are each refused.
    @Test func theSchemasRefuseWhatTheyDoNotDocument() async throws {
        let schema = JSONSchemaPeer.schemas.appendingPathComponent("package.schema.json")
        let good =
            #"{"digest": "sha256:\#(String(repeating: "a", count: 64))", "size": 1, "files": 1, "directories": 1, "platformPaths": ["platform"]}"#
        #expect(try await JSONSchemaPeer.validate(json: good, against: schema) == nil)
        for bad in [
            good.replacingOccurrences(of: "\"size\": 1", with: "\"size\": 1, \"extra\": true"),
            good.replacingOccurrences(of: "\"files\": 1", with: "\"files\": \"1\""),
            good.replacingOccurrences(of: "sha256:a", with: "sha256:A"),
        ] {
            #expect(try await JSONSchemaPeer.validate(json: bad, against: schema) != nil, "accepted \(bad)")
        }
    }
}
