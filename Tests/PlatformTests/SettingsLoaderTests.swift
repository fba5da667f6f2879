import Foundation
import Platform
import Support
import Testing

@Suite struct SettingsLoaderTests {
    @Test func defaultsWithoutKeys() throws {
        #expect(try SettingsLoader.parse("# nothing\n", path: "lockmaster.yaml") == LockmasterSettings())
    }

    @Test func everyKeyIsRead() throws {
        let settings = try SettingsLoader.parse(
            """
            branch: trunk
            clustersDir: ./fleet/
            platformPaths: [platform, shared/crds]
            artifact: oci://ghcr.io/acme/platform
            environments: [dev, stage, prod]
            sandbox:
              from: dev
              namePattern: '^[a-z]+$'
              exclude: [flux-system/gotk-sync.yaml, secrets/]
              hooks:
                create: ["terraform apply"]
                destroy: ["terraform destroy"]
            """, path: "lockmaster.yaml")
        #expect(settings.branch == "trunk")
        #expect(settings.clustersDir == "fleet")
        #expect(settings.platformPaths == ["platform", "shared/crds"])
        #expect(settings.artifact == "oci://ghcr.io/acme/platform")
        #expect(settings.environments == ["dev", "stage", "prod"])
        #expect(settings.sandbox.from == "dev")
        #expect(settings.sandbox.namePattern == "^[a-z]+$")
        #expect(settings.sandbox.exclude == ["flux-system/gotk-sync.yaml", "secrets"])
        #expect(settings.sandbox.hooks.create == ["terraform apply"])
        #expect(settings.sandbox.hooks.destroy == ["terraform destroy"])
    }

    /// check.rules and check.exclude: rule ids are keys of their own, so a typo gets the nearest id, and a
    /// severity is off, warning or error.
    @Test func checkRulesAreReadAndTyposNamed() throws {
        let settings = try SettingsLoader.parse(
            "check:\n  rules: {staging-patch-range: \"off\", unpinned-chart: error}\n  exclude: {deprecated-api: [legacy/**]}\n",
            path: "lockmaster.yaml")
        #expect(settings.check.rules == ["staging-patch-range": "off", "unpinned-chart": "error"])
        #expect(settings.check.exclude == ["deprecated-api": ["legacy/**"]])
        #expect(throws: SettingsError.self) {
            try SettingsLoader.parse("check: {rules: {staging-patch-rang: \"off\"}}\n", path: "lockmaster.yaml")
        }
        do {
            _ = try SettingsLoader.parse("check: {rules: {symlink: loud}}\n", path: "lockmaster.yaml")
            Issue.record("a severity outside off, warning and error was taken")
        } catch {
            #expect(error.description.contains("check.rules.symlink"), "\(error)")
        }
    }

    @Test func typosGetTheNearestKeyAndEveryProblemIsReported() {
        #expect {
            try SettingsLoader.parse(
                """
                clusterDir: fleet
                branch: [main]
                sandbox:
                  namePatern: x
                  hooks: {craete: []}
                """, path: "lockmaster.yaml")
        } throws: { error in
            let lines = (error as? SettingsError)?.diagnostics.map(\.description) ?? []
            return lines == [
                "lockmaster.yaml:1:1: error: unknown key 'clusterDir' (did you mean 'clustersDir'?)",
                "lockmaster.yaml:2:9: error: branch must be a non-empty string",
                "lockmaster.yaml:4:3: error: unknown key 'sandbox.namePatern' (did you mean 'sandbox.namePattern'?)",
                "lockmaster.yaml:5:11: error: unknown key 'sandbox.hooks.craete' (did you mean 'sandbox.hooks.create'?)",
            ]
        }
    }

    @Test func invalidRegexAndInvalidYAML() {
        #expect { try SettingsLoader.parse("sandbox: {namePattern: '(['}\n", path: "l.yaml") } throws: {
            "\($0)".contains("l.yaml:1:24: error: sandbox.namePattern is not a valid regular expression")
        }
        #expect { try SettingsLoader.parse("branch: [main\n", path: "l.yaml") } throws: {
            "\($0)".hasPrefix("l.yaml:2:1: error: invalid YAML")
        }
    }

    @Test func nearestSuggestion() {
        #expect(Suggestion.nearest(to: "artefact", in: ["artifact", "branch"]) == "artifact")
        #expect(Suggestion.nearest(to: "zzz", in: ["artifact", "branch"]) == nil)
    }

    /// The defaults the schema shows editors are the ones Lockmaster applies.
    @Test func schemaDefaultsAreTheSettingsDefaults() throws {
        let schema = try #require(
            try JSONSerialization.jsonObject(with: Data(SettingsSchema.json.utf8)) as? [String: Any])
        let defaults = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(LockmasterSettings())) as? [String: Any])
        func compare(_ schema: [String: Any], _ defaults: [String: Any], _ prefix: String) {
            for (key, property) in schema["properties"] as? [String: [String: Any]] ?? [:] {
                if property["type"] as? String == "object", property["properties"] != nil {
                    compare(property, defaults[key] as? [String: Any] ?? [:], prefix + key + ".")
                } else {
                    #expect(
                        (property["default"] as? NSObject) == (defaults[key] as? NSObject), "default of \(prefix)\(key)"
                    )
                }
            }
        }
        compare(schema, defaults, "")
    }

    @Test func numbersAndBooleansAreNotStrings() throws {
        #expect { try SettingsLoader.parse("branch: 8080\n", path: "l.yaml") } throws: {
            "\($0)" == "l.yaml:1:9: error: branch must be a non-empty string (quote it to make it text: '8080')"
        }
        #expect(try SettingsLoader.parse("branch: '8080'\npinDigest: True\n", path: "l.yaml").pinDigest)
    }
}
