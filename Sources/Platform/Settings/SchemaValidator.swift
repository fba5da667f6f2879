import Foundation
public import Manifests
public import Support

/// The part of JSON Schema (draft 07) that `lockmaster.yaml`'s schema uses — `type`, `properties`,
/// `additionalProperties`, `items`, `minLength`, `minimum`, `format: regex` — applied to YAML as an editor's
/// language server reads it (YAML 1.2 core schema: `true` is a boolean, `8080` a number, `'8080'` a string).
public struct JSONSchema: Sendable {
    public indirect enum Additional: Sendable {
        case allowed, forbidden
        case schema(JSONSchema)
    }

    public var type: String?
    public var properties: [String: JSONSchema] = [:]
    public var additionalProperties: Additional = .allowed
    /// The schema of a list's items: none or one (an array, because a struct cannot hold itself).
    public var items: [JSONSchema] = []
    public var minLength: Int?
    public var minimum: Int?
    public var format: String?
    /// A regular expression a string must match (JSON Schema's `pattern`).
    public var pattern: String?
    /// The first example, as JSON text, for hints.
    public var example: String?

    /// Reads a schema from its JSON text; a schema that is not valid JSON is a programming error.
    public init(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            preconditionFailure("the embedded schema is not a JSON object")
        }
        self.init(object)
    }

    init(_ object: [String: Any]) {
        type = object["type"] as? String
        for (key, value) in object["properties"] as? [String: [String: Any]] ?? [:] {
            properties[key] = JSONSchema(value)
        }
        switch object["additionalProperties"] {
        case let flag as Bool: additionalProperties = flag ? .allowed : .forbidden
        case let schema as [String: Any]: additionalProperties = .schema(JSONSchema(schema))
        default: additionalProperties = .allowed
        }
        if let schema = object["items"] as? [String: Any] { items = [JSONSchema(schema)] }
        minLength = object["minLength"] as? Int
        minimum = object["minimum"] as? Int
        format = object["format"] as? String
        pattern = object["pattern"] as? String
        if let first = (object["examples"] as? [Any])?.first {
            example =
                first as? String
                ?? (try? JSONSerialization.data(withJSONObject: first, options: [.sortedKeys, .fragmentsAllowed]))
                .flatMap { String(data: $0, encoding: .utf8) }
        }
    }

    /// Every problem of `node`, named by its dotted key path (`sandbox.hooks.create`).
    public func validate(_ node: YAMLNode, path: String) -> [Diagnostic] {
        var problems = Problems(file: path)
        check(node, key: "", problems: &problems)
        return problems.diagnostics
    }

    private func check(_ node: YAMLNode, key: String, problems: inout Problems) {
        let name = key.isEmpty ? "the file" : key
        switch type {
        case "object":
            guard let pairs = node.pairs else {
                return problems.report(node, "\(name) must be a mapping of keys to values")
            }
            let prefix = key.isEmpty ? "" : key + "."
            let known = properties.keys.sorted()
            for pair in pairs {
                let field = pair.key.string ?? ""
                if let schema = properties[field] {
                    schema.check(pair.value, key: prefix + field, problems: &problems)
                    continue
                }
                switch additionalProperties {
                case .allowed: break
                case .schema(let schema): schema.check(pair.value, key: prefix + field, problems: &problems)
                case .forbidden:
                    let hint =
                        Suggestion.nearest(to: field, in: known).map { "did you mean '\(prefix)\($0)'?" }
                        ?? "valid keys here: " + known.map { prefix + $0 }.joined(separator: ", ")
                    problems.report(pair.key, "unknown key '\(prefix)\(field)'", hint: hint)
                }
            }
        case "array":
            guard let elements = node.items else {
                return problems.report(
                    node, "\(name) must be a list of \(items.first?.type.map { $0 + "s" } ?? "values")",
                    hint: "write it as [a, b] or one '- item' per line")
            }
            // One message for a list, not one per bad item.
            for element in elements {
                var inner = Problems(file: problems.file)
                items.first?.check(element, key: "each item of \(name)", problems: &inner)
                if let first = inner.diagnostics.first { return problems.diagnostics.append(first) }
            }
        case "string":
            guard YAMLScalarType.of(node) == .string, let text = node.string, text.count >= (minLength ?? 0) else {
                let quoting =
                    YAMLScalarType.of(node).map { $0 != .string && $0 != .null } == true
                    ? "quote it to make it text: '\(node.string ?? "")'" : nil
                return problems.report(
                    node, "\(name) must be a \((minLength ?? 0) > 0 ? "non-empty " : "")string", hint: quoting)
            }
            if let pattern, let regex = try? NSRegularExpression(pattern: pattern),
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
            {
                problems.report(
                    node, "\(name) is not of the form \(pattern)", hint: example.map { "for example \($0)" })
            }
            if format == "regex", (try? NSRegularExpression(pattern: text)) == nil {
                problems.report(
                    node, "\(name) is not a valid regular expression", hint: example.map { "for example \($0)" })
            }
        case "integer":
            // Decimal only: what Go's YAML reader and an editor both take as this number.
            guard YAMLScalarType.of(node) == .integer, let value = node.string.flatMap({ Int($0) }) else {
                return problems.report(
                    node, "\(name) must be a whole number", hint: example.map { "for example \($0)" })
            }
            if let minimum, value < minimum { problems.report(node, "\(name) must be at least \(minimum)") }
        case "boolean":
            guard YAMLScalarType.of(node) == .boolean else {
                return problems.report(node, "\(name) must be true or false")
            }
        default:
            break
        }
    }

    private struct Problems {
        let file: String
        var diagnostics: [Diagnostic] = []

        mutating func report(_ node: YAMLNode, _ message: String, hint: String? = nil) {
            diagnostics.append(
                Diagnostic(
                    .error, at: SourceLocation(path: file, line: node.position.line, column: node.position.column),
                    message, hint: hint))
        }
    }
}

/// What a YAML scalar is under the YAML 1.2 core schema, as editors and Flux's Go YAML reader resolve it.
public enum YAMLScalarType: Sendable, Equatable {
    case null, boolean, integer, float, string

    /// - Returns: nil for mappings and sequences.
    public static func of(_ node: YAMLNode) -> YAMLScalarType? {
        guard case .scalar(let text, let style, let tag) = node.content else { return nil }
        if let tag { return tag.hasSuffix(":str") || tag == "!" ? .string : resolved(text) }
        return style == .plain ? resolved(text) : .string
    }

    static func resolved(_ text: String) -> YAMLScalarType {
        if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
        if ["true", "True", "TRUE", "false", "False", "FALSE"].contains(text) { return .boolean }
        if text.wholeMatch(of: /[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+/) != nil { return .integer }
        if text.wholeMatch(
            of: /[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)/) != nil
        {
            return .float
        }
        return .string
    }
}
