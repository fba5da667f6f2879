import Manifests
import Testing

/// Flux's postBuild substitution syntax (FLUX.md §5.5), one case each.
@Suite struct SubstitutionTests {
    let variables = [
        "cluster_name": "sandbox-ops-1", "region": "eu-west-1", "empty": "", "image": "ghcr.io/acme/app:v1.2.3",
        "path": "a/b/c.tar.gz", "word": "keda",
    ]

    func expand(_ text: String) throws -> String {
        var substitution = Substitution(variables: variables)
        return try substitution.apply(text)
    }

    @Test(arguments: [
        ("name: ${cluster_name}", "name: sandbox-ops-1"),
        ("r: ${missing:=us-east-1}", "r: us-east-1"),
        ("r: ${region:=us-east-1}", "r: eu-west-1"),
        ("r: ${empty:-fallback}", "r: fallback"),
        ("r: ${empty-fallback}", "r: "),
        ("r: ${missing=fallback}", "r: fallback"),
        ("r: ${missing:-${region}}", "r: eu-west-1"),
        ("n: ${#word}", "n: 4"),
        ("s: ${region:3}", "s: west-1"),
        ("s: ${region:3:4}", "s: west"),
        ("p: ${path#*/}", "p: b/c.tar.gz"),
        ("p: ${path##*/}", "p: c.tar.gz"),
        ("p: ${path%.*}", "p: a/b/c.tar"),
        ("p: ${path%%.*}", "p: a/b/c"),
        ("i: ${image/v1/v2}", "i: ghcr.io/acme/app:v2.2.3"),
        ("i: ${region//-/_}", "i: eu_west_1"),
        ("i: ${region/#eu/us}", "i: us-west-1"),
        ("i: ${region/%1/2}", "i: eu-west-2"),
        ("c: ${word^}", "c: Keda"),
        ("c: ${word^^}", "c: KEDA"),
        ("c: ${region,}", "c: eu-west-1"),
        ("c: ${cluster_name,,}", "c: sandbox-ops-1"),
        ("escaped: $${cluster_name}", "escaped: ${cluster_name}"),
        ("bare: $cluster_name and $5", "bare: $cluster_name and $5"),
        ("dollar: $$", "dollar: $"),
    ])
    func syntax(input: String, output: String) throws {
        #expect(try expand(input) == output)
    }

    @Test func undefinedVariablesExpandToNothingAndAreReported() throws {
        var substitution = Substitution(variables: [:])
        #expect(try substitution.apply("a: ${one}, b: ${two}, c: ${one}") == "a: , b: , c: ")
        #expect(substitution.undefined == ["one", "two"])
    }

    @Test func unsupportedFormsAreErrors() {
        for form in ["${region+x}", "${region:?x}", "${region:+x}", "${unterminated"] {
            #expect(throws: Substitution.SubstitutionError.self) { try expand(form) }
        }
    }

    @Test func newlinesInValuesAreStripped() throws {
        var substitution = Substitution(variables: ["multi": "a\nb\r\n"])
        #expect(try substitution.apply("${multi}") == "ab")
    }

    @Test func variableNames() {
        #expect(Substitution.isName("_a1"))
        #expect(!Substitution.isName("1a"))
        #expect(!Substitution.isName("a-b"))
    }
}
