import Manifests
import Testing

@testable import LockmasterKit

/// Flux's postBuild substitution as render applies it: a Secret's variables, never read, are always
/// the same visible `${NAME}`, whatever other variables are set.
@Suite struct PostBuildSubstitutionTests {
    private func apply(substitute: String, secretFound: Bool) throws -> (String, [String]) {
        let object = try YAMLDocumentReader.documents(
            in:
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: apps}\ndata: {token: \"${TOKEN}\", region: \"${REGION:=eu}\"}\n"
        )[0]
        let spec = try YAMLDocumentReader.documents(
            in: "postBuild:\n  substituteFrom: [{kind: Secret, name: creds}]\n" + substitute)[0]
        let secret = try YAMLDocumentReader.documents(
            in:
                "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: flux-system}\ndata: {TOKEN: c2VjcmV0}\n"
        )[0]
        let kustomization = KustomizationID(namespace: "flux-system", name: "apps")
        var warnings: [String] = []
        let result = PostBuildSubstitution.apply(
            to: [RenderedObject(kustomization: kustomization, source: nil, node: object)], spec: spec,
            kustomization: kustomization,
            sources: [
                .init(
                    kind: "Secret", name: "creds", optional: false,
                    found: secretFound ? RenderedObject(kustomization: kustomization, source: nil, node: secret) : nil)
            ], warnings: &warnings)
        return (result[0].node.string(at: ["data", "token"]) ?? "", warnings)
    }

    @Test func aSecretsVariableIsAlwaysItsPlaceholder() throws {
        for substitute in ["", "  substitute: {OTHER: x}\n"] {
            for found in [true, false] {
                let (token, warnings) = try apply(substitute: substitute, secretFound: found)
                #expect(token == "${TOKEN}", "substitute \(substitute.debugDescription), found \(found)")
                #expect(warnings.contains { $0.contains("placeholder") }, "\(warnings)")
            }
        }
    }

    @Test func withoutASecretAnUndefinedVariableIsEmpty() throws {
        var substitution = Substitution(variables: ["A": "1"])
        #expect(try substitution.apply("${A}-${B}") == "1-")
        substitution.keepsUndefined = true
        #expect(try substitution.apply("${A}-${B}") == "1-${B}")
        #expect(substitution.undefined == ["B"])
    }
}
