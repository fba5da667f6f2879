public import Foundation
import Manifests
public import Support

/// Why `lockmaster.yaml` could not be used: every problem found, each with its place.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Reads `lockmaster.yaml`, rejecting unknown keys (with the nearest valid name) and wrong types.
public enum SettingsLoader {
    /// - Returns: the defaults when the file does not exist.
    /// - Throws: `SettingsError` listing every problem in the file.
    public static func load(repositoryRoot root: URL) throws(SettingsError) -> LockmasterSettings {
        let url = root.appendingPathComponent(LockmasterSettings.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return LockmasterSettings() }
        let path = LockmasterSettings.fileName
        guard let data = try? Data(contentsOf: url) else {
            throw SettingsError(diagnostics: [Diagnostic(.error, at: SourceLocation(path: path), "cannot read file", hint: "check its permissions")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SettingsError(diagnostics: [Diagnostic(.error, at: SourceLocation(path: path), "file is not UTF-8 text")])
        }
        return try parse(text, path: path)
    }

    /// Parses settings from text; `path` is used in diagnostics.
    public static func parse(_ text: String, path: String) throws(SettingsError) -> LockmasterSettings {
        let documents: [YAMLNode]
        do {
            documents = try YAMLDocumentReader.documents(in: text)
        } catch {
            throw SettingsError(diagnostics: [Diagnostic(.error, at: SourceLocation(path: path, line: error.position.line, column: error.position.column),
                                                         "invalid YAML: \(error.message)")])
        }
        var settings = LockmasterSettings()
        guard let root = documents.first(where: { !$0.isNull }) else { return settings }
        var reader = SettingsReader(path: path)
        reader.read(root, into: &settings)
        guard reader.diagnostics.isEmpty else { throw SettingsError(diagnostics: reader.diagnostics) }
        return settings
    }
}

/// Walks the settings document key by key, collecting every problem rather than stopping at the first.
private struct SettingsReader {
    let path: String
    var diagnostics: [Diagnostic] = []

    mutating func read(_ root: YAMLNode, into settings: inout LockmasterSettings) {
        for (key, value) in entries(root, allowed: ["branch", "clustersDir", "platformPaths", "ignore", "artifact", "environments", "pinDigest", "contexts", "sandbox"], in: "") {
            switch key {
            case "branch": string(value, key).map { settings.branch = $0 }
            case "clustersDir": string(value, key).map { settings.clustersDir = PathNormalizer.normalize($0) }
            case "platformPaths": strings(value, key).map { settings.platformPaths = $0.map(PathNormalizer.normalize) }
            case "ignore": strings(value, key).map { settings.ignore = $0 }
            case "artifact": string(value, key).map { settings.artifact = $0 }
            case "environments": strings(value, key).map { settings.environments = $0 }
            case "pinDigest":
                switch value.string {
                case "true"?: settings.pinDigest = true
                case "false"?: settings.pinDigest = false
                default: report(value, "pinDigest must be true or false")
                }
            case "contexts":
                guard let pairs = value.pairs else { report(value, "contexts must map environment names to kube contexts"); break }
                for pair in pairs {
                    guard let environment = pair.key.string, let context = string(pair.value, "contexts.\(environment)") else { continue }
                    settings.contexts[environment] = context
                }
            case "sandbox":
                for (key, value) in entries(value, allowed: ["from", "namePattern", "exclude", "hooks"], in: "sandbox.") {
                    switch key {
                    case "from": string(value, "sandbox.from").map { settings.sandbox.from = $0 }
                    case "namePattern":
                        guard let pattern = string(value, "sandbox.namePattern") else { break }
                        if (try? NSRegularExpression(pattern: pattern)) == nil {
                            report(value, "sandbox.namePattern is not a valid regular expression", hint: "for example ^[A-Z]+-[0-9]+(-[a-z0-9]+)+$")
                        } else {
                            settings.sandbox.namePattern = pattern
                        }
                    case "exclude": strings(value, "sandbox.exclude").map { settings.sandbox.exclude = $0.map(PathNormalizer.normalize) }
                    default:
                        for (key, value) in entries(value, allowed: ["create", "destroy"], in: "sandbox.hooks.") {
                            let commands = strings(value, "sandbox.hooks.\(key)")
                            if key == "create" { commands.map { settings.sandbox.hooks.create = $0 } }
                            else { commands.map { settings.sandbox.hooks.destroy = $0 } }
                        }
                    }
                }
            default: break
            }
        }
    }

    /// The known keys of a mapping; reports unknown ones with the nearest valid key.
    private mutating func entries(_ node: YAMLNode, allowed: [String], in prefix: String) -> [(String, YAMLNode)] {
        guard let pairs = node.pairs else {
            report(node, "\(prefix.isEmpty ? "the file" : String(prefix.dropLast())) must be a mapping of keys to values")
            return []
        }
        var known: [(String, YAMLNode)] = []
        for pair in pairs {
            let key = pair.key.string ?? ""
            if allowed.contains(key) {
                known.append((key, pair.value))
            } else {
                let hint = Suggestion.nearest(to: key, in: allowed).map { "did you mean '\(prefix)\($0)'?" }
                    ?? "valid keys here: " + allowed.map { prefix + $0 }.joined(separator: ", ")
                report(pair.key, "unknown key '\(prefix)\(key)'", hint: hint)
            }
        }
        return known
    }

    private mutating func string(_ node: YAMLNode, _ key: String) -> String? {
        guard let text = node.string, !node.isNull, !text.isEmpty else {
            report(node, "\(key) must be a non-empty string")
            return nil
        }
        return text
    }

    private mutating func strings(_ node: YAMLNode, _ key: String) -> [String]? {
        guard let items = node.items else {
            report(node, "\(key) must be a list of strings", hint: "write it as [a, b] or one '- item' per line")
            return nil
        }
        var values: [String] = []
        for item in items {
            guard let value = string(item, "each item of \(key)") else { return nil }
            values.append(value)
        }
        return values
    }

    private mutating func report(_ node: YAMLNode, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(.error, at: SourceLocation(path: path, line: node.position.line, column: node.position.column), message, hint: hint))
    }
}
