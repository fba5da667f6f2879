import Manifests

/// Renders a render as a YAML stream (each object headed by where it comes from) or JSON. Secret
/// values are never printed: each is replaced by a short hash, so changes stay visible.
public enum RenderFormatter {
    public static func yaml(_ report: RenderReport) -> String {
        report.objects.map { object in
            "# kustomization: \(object.kustomization)" + (object.source.map { "  source: \($0)" } ?? "") + "\n"
                + SecretMask.masked(object.node).yamlText()
        }.map { "---\n" + $0 }.joined()
    }

    public static func json(_ report: RenderReport) -> String {
        let objects = report.objects.map { object in
            "{\"kustomization\":\(YAMLNode.jsonString(object.kustomization.description)),"
                + "\"source\":\(object.source.map(YAMLNode.jsonString) ?? "null"),\"object\":\(SecretMask.masked(object.node).jsonText())}"
        }
        let problems = report.problems.map {
            "{\"kustomization\":\(YAMLNode.jsonString($0.kustomization.description)),\"path\":\(YAMLNode.jsonString($0.path)),\"message\":\(YAMLNode.jsonString($0.message))}"
        }
        return
            "{\"environment\":\(YAMLNode.jsonString(report.environment)),\"objects\":[\(objects.joined(separator: ","))],"
            + "\"problems\":[\(problems.joined(separator: ","))],\"warnings\":[\(report.warnings.map(YAMLNode.jsonString).joined(separator: ","))],"
            + "\"builds\":\(YAMLNode.jsonString(report.builds))}\n"
    }
}
