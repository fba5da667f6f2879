import Testing

@testable import LockmasterKit

/// BuildContent's answers without a build: a "no" is a proof `diff` leaves a build out on, so each
/// "no" here is checked beside the text that would make it "yes".
@Suite struct BuildContentTests {
    private func content(_ text: String, variables: [String: String] = [:], targetNamespace: String? = nil)
        -> BuildContent
    {
        BuildContent(text: text, incomplete: false, variables: variables, targetNamespace: targetNamespace)
    }

    @Test func aKindAndNameWrittenOutAreFoundAndOthersAreNot() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: apps\n"
        #expect(content(text).mayContain(kind: "ConfigMap", name: "app-config", namespace: "apps"))
        #expect(!content(text).mayContain(kind: "ConfigMap", name: "other"))
        #expect(!content(text).mayContain(kind: "Secret", name: "app-config"))
        // `Namespace` inside `targetNamespace`, and a name inside a longer one, are not that kind or name.
        #expect(
            !content("targetNamespace: x\nkind: ConfigMap\nname: cert-manager.io/issuer\n").mayContain(
                kind: "Namespace", name: nil))
        #expect(
            !content("kind: ConfigMap\nmetadata:\n  name: cert-manager-webhook\n").mayContain(
                kind: "ConfigMap", name: "cert-manager"))
    }

    @Test func generatorsMayMakeTheirKind() {
        #expect(content("configMapGenerator:\n- name: settings\n").mayContain(kind: "ConfigMap", name: "settings"))
        #expect(content("secretGenerator:\n- name: token\n").mayContain(kind: "Secret", name: "token"))
        #expect(!content("configMapGenerator:\n- name: settings\n").mayContain(kind: "Secret", name: "settings"))
    }

    @Test func whatRenamesObjectsMakesEveryNamePossible() {
        for renaming in [
            "namePrefix: pre-", "nameSuffix: -x", "kind: PrefixSuffixTransformer", "replacements:", "name: !!str x",
        ] {
            let text = "kind: ConfigMap\nmetadata:\n  name: a\n\(renaming)\n"
            #expect(content(text).mayContain(kind: "ConfigMap", name: "anything-else"), "\(renaming)")
        }
        #expect(content("kind: ConfigMap\nmetadata:\n  name: |\n    a\n").mayContain(kind: "ConfigMap", name: "b"))
        #expect(content("kind: ConfigMap\nmetadata:\n  name: \"a\\u0062\"\n").mayContain(kind: "ConfigMap", name: "ab"))
    }

    @Test func variablesInNamesArePatterns() {
        let text = "kind: ConfigMap\nmetadata:\n  name: ${APP}-config\n"
        #expect(content(text).mayContain(kind: "ConfigMap", name: "web-config"))
        #expect(!content(text).mayContain(kind: "ConfigMap", name: "web-settings"))
        // A variable the spec sets is that text; with an operator it could be anything.
        #expect(!content(text, variables: ["APP": "api"]).mayContain(kind: "ConfigMap", name: "web-config"))
        #expect(content(text, variables: ["APP": "api"]).mayContain(kind: "ConfigMap", name: "api-config"))
        #expect(
            content("kind: ConfigMap\nmetadata:\n  name: ${APP:-web}-config\n", variables: ["APP": "api"]).mayContain(
                kind: "ConfigMap", name: "web-config"))
    }

    @Test func kindsFromVariablesOrPatchesAreUnknown() {
        #expect(content("kind: ${KIND}\nmetadata:\n  name: a\n").mayContain(kind: "Secret", name: "a"))
        #expect(
            content(
                "patches:\n- patch: '[{\"op\":\"replace\",\"path\":\"/kind\",\"value\":\"Secret\"}]'\nkind: ConfigMap\nname: a\n"
            ).mayContain(kind: "Secret", name: "a"))
        // An indented kind may be the object's own: a whole document can be indented.
        #expect(content("  kind: ${KIND}\n  metadata:\n    name: a\n").mayContain(kind: "Secret", name: "a"))
    }

    @Test func theTargetNamespaceDecidesTheNamespace() {
        let text = "kind: ConfigMap\nmetadata:\n  name: a\n  namespace: apps\n"
        #expect(!content(text, targetNamespace: "other").mayContain(kind: "ConfigMap", name: "a", namespace: "apps"))
        #expect(content(text, targetNamespace: "apps").mayContain(kind: "ConfigMap", name: "a", namespace: "apps"))
    }

    @Test func aFluxKustomizationNeedsItsAPIVersionWritten() {
        #expect(content("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n").mayYieldFluxKustomization)
        // Naming the group in an annotation or a schema comment does not make one.
        #expect(
            !content("metadata:\n  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n")
                .mayYieldFluxKustomization)
        #expect(content("apiVersion: ${GROUP}/v1\nkind: Kustomization\n").mayYieldFluxKustomization)
        #expect(content("kind: List\nitems:\n- apiVersion: x\n").mayYieldFluxKustomization)
    }

    /// Ways of writing a Flux Kustomization that a reader of `apiVersion: <group>/` lines misses; each hid a
    /// child's change from the fast diff.
    @Test(arguments: [
        "apiVersion: # the Flux group\n  kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n",
        "\"api\\u0056ersion\": kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n",
        "\"apiVersion\": \"kustomize.toolkit.fluxcd.io\\/v1\"\nkind: Kustomization\n",
        "  apiVersion: ${GROUP}/v1\n  kind: Kustomization\n",
        "x-group: &g kustomize.toolkit.fluxcd.io/v1\n---\napiVersion: *g\nkind: Kustomization\n",
        "? apiVersion\n: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n",
        "metadata: {annotations: {kustomize.toolkit.fluxcd.io/prune: disabled}}\napiVersion: kustomize.toolkit.fluxcd.io/v1\n",
        "apiVersion:\n  kustomize.${T}.fluxcd.io/v1\nkind: Kustomization\n",
        "? apiVersion\n: kustomize.${T}.fluxcd.io/v1\nkind: Kustomization\n",
        "apiVersion: helm.toolkit.fluxcd.io/v1\nkind: Kustomization\n---\nreplacements:\n- source: {kind: ConfigMap, name: x}\n",
    ])
    func aFluxKustomizationHoweverItIsWritten(text: String) {
        #expect(content(text).mayYieldFluxKustomization)
    }

    /// A chartRef names its source's namespace, or the release is in it: a build that writes the
    /// namespace nowhere follows no source there.
    @Test func aNamespaceMentionedOrNot() {
        let release =
            "kind: HelmRelease\nmetadata:\n  name: web\nspec:\n  chartRef: {kind: OCIRepository, name: app-template, namespace: flux-system}\n"
        #expect(content(release).mayMention("flux-system"))
        #expect(!content(release).mayMention("media"))
        #expect(content("kind: HelmRelease\nmetadata:\n  namespace: ${NS}\n").mayMention("media"))
        // The spec's targetNamespace heads its own line, as the cache writes spec fields; only a variable
        // there makes every namespace possible. A variable in another name does not.
        #expect(!content("targetNamespace:\nai\n" + release).mayMention("media"))
        #expect(content("targetNamespace:\n${NS}\n" + release).mayMention("media"))
        #expect(!content("metadata:\n  name: ${SECRET_DOMAIN}\n" + release).mayMention("media"))
    }

    /// An object that writes no namespace is in `default`: the word need not be written.
    @Test func theDefaultNamespaceNeedNotBeWritten() {
        let release = "kind: HelmRelease\nmetadata:\n  name: web\n"
        #expect(content(release).mayContain(kind: "HelmRelease", name: "web", namespace: "default"))
        #expect(content(release).mayMention("default"))
        #expect(
            !content(release, targetNamespace: "apps").mayContain(
                kind: "HelmRelease", name: "web", namespace: "default"))
    }

    @Test func anIncompleteScanAnswersYes() {
        let incomplete = BuildContent(text: "", incomplete: true)
        #expect(incomplete.mayContain(kind: "Secret", name: "x"))
        #expect(incomplete.mayYieldFluxKustomization)
    }
}
