import Foundation
import Manifests

/// What a kustomization may hold for Lockmaster to know every file kustomize will read from it. kustomize
/// v5 decodes a kustomization with go-yaml and then Go's JSON decoder, which refuses unknown fields but
/// matches known ones ignoring case (`Resources:` is `resources:`), and reads YAML 1.1 scalars (`yes`,
/// `0x10`, `~`) as other types. A key or a value this grammar does not pin down is a problem, so that
/// the scanner never guesses.
enum KustomizationGrammar {
    struct Problem: Equatable {
        var position: TextPosition
        var construct: String
    }

    /// The fields of kustomize v5.5's Kustomization (api/types/kustomization.go), deprecated ones included.
    static let fields: Set<String> = [
        "apiVersion", "kind", "metadata", "openapi", "namePrefix", "nameSuffix", "namespace", "commonLabels", "labels",
        "commonAnnotations",
        "patchesStrategicMerge", "patchesJson6902", "patches", "images", "imageTags", "replacements", "replicas",
        "vars", "sortOptions",
        "resources", "components", "crds", "bases", "configMapGenerator", "secretGenerator", "helmGlobals",
        "helmCharts",
        "helmChartInflationGenerator", "generatorOptions", "configurations", "generators", "transformers", "validators",
        "buildMetadata",
    ]

    /// The fields of a kustomization that only lists resources (a directory of plugin configurations may hold no more).
    static let resourceKeys: Set<String> = ["apiVersion", "kind", "metadata", "resources"]

    /// Field names, at any depth, that name files or decide what is read; in another case they are refused.
    private static let fileFields: Set<String> = Set(
        (fields.map { $0 } + [
            "path", "paths", "files", "envs", "env", "valuesFile", "additionalValuesFiles", "chartHome", "configHome",
            "patch", "literals",
            "kvSources", "pluginConfig", "options",
        ]).map { $0.lowercased() })

    /// Maps whose keys are data (labels, annotations, inline values), not fields.
    private static let freeForm: Set<String> = [
        "commonLabels", "commonAnnotations", "pairs", "labels", "annotations", "valuesInline", "data", "selector",
        "matchLabels",
    ]

    /// A key as Go's encoding/json compares it with a field name: ignoring case, with its special
    /// folds (`ſ` is `s`, the Kelvin sign is `k`).
    static func folded(_ key: String) -> String {
        key.lowercased().replacingOccurrences(of: "ſ", with: "s").replacingOccurrences(of: "\u{212A}", with: "k")
    }

    /// Fields kustomize reads only with --enable-helm, which Flux never passes: Flux would not build them.
    static let helmFields: Set<String> = ["helmCharts", "helmGlobals", "helmChartInflationGenerator"]

    static func problems(in document: YAMLNode) -> [Problem] {
        guard let pairs = document.pairs else {
            return document.isNull
                ? [] : [Problem(position: document.position, construct: "a kustomization that is not a mapping")]
        }
        var found: [Problem] = []
        for pair in pairs {
            guard let key = pair.key.string else { continue }
            if helmFields.contains(key) {
                found.append(
                    Problem(
                        position: pair.key.position,
                        construct: "\(key), which kustomize inflates only with --enable-helm, which Flux does not pass")
                )
            }
            if !fields.contains(key) {
                if let field = fields.first(where: { folded($0) == folded(key) }) {
                    found.append(
                        Problem(
                            position: pair.key.position,
                            construct:
                                "the key '\(key)', which kustomize reads as '\(field)' (Go matches field names ignoring case)"
                        ))
                } else {
                    found.append(
                        Problem(
                            position: pair.key.position, construct: "the key '\(key)', which kustomize v5 does not know"
                        ))
                }
            }
            if !freeForm.contains(key) { found += caseProblems(in: pair.value) }
        }
        return found
    }

    /// Keys below `node` that name a file-reading field in another case (`Path:`, `FILES:`).
    static func caseProblems(in node: YAMLNode) -> [Problem] {
        switch node.content {
        case .scalar: return []
        case .sequence(let items): return items.flatMap(caseProblems)
        case .mapping(let pairs):
            var found: [Problem] = []
            for pair in pairs {
                guard let key = pair.key.string else { continue }
                let lower = folded(key)
                if fileFields.contains(lower), !isExactField(key) {
                    found.append(
                        Problem(
                            position: pair.key.position,
                            construct: "the key '\(key)', which Go's decoder reads as a field of another case"))
                }
                if !freeForm.contains(key) { found += caseProblems(in: pair.value) }
            }
            return found
        }
    }

    private static func isExactField(_ key: String) -> Bool {
        fields.contains(key)
            || [
                "path", "paths", "files", "envs", "env", "valuesFile", "additionalValuesFiles", "chartHome",
                "configHome", "patch", "literals",
                "kvSources", "pluginConfig", "options",
            ].contains(key)
    }

    /// Whether go-yaml (YAML 1.1) reads a plain scalar as something other than a string.
    static func isNonString(_ text: String) -> Bool {
        let words: Set<String> = [
            "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
            "TRUE",
            "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", ".inf", ".Inf", ".INF", "-.inf", "-.Inf",
            "-.INF",
            "+.inf", ".nan", ".NaN", ".NAN",
        ]
        if words.contains(text) { return true }
        let body = text.replacingOccurrences(of: "_", with: "")
        let unsigned = body.hasPrefix("-") || body.hasPrefix("+") ? String(body.dropFirst()) : body
        if unsigned.hasPrefix("0x") || unsigned.hasPrefix("0o") || unsigned.hasPrefix("0b") {
            return unsigned.count > 2
        }
        if !unsigned.isEmpty,
            unsigned.allSatisfy({
                $0.isASCII
                    && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+" || $0 == ":")
            }),
            unsigned.first?.isNumber == true || unsigned.first == "."
        {
            return true
        }
        return false
    }
}
