public import Foundation
import Manifests
public import Support

/// Why `lockmaster.yaml` could not be used: every problem found, each with its place.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Reads `lockmaster.yaml`, checked against `SettingsSchema`: unknown keys (with the nearest valid
/// name) and wrong types are reported, every one at once, at its line and column.
public enum SettingsLoader {
    /// - Returns: the defaults when the file does not exist.
    /// - Throws: `SettingsError` listing every problem in the file.
    public static func load(repositoryRoot root: URL) throws(SettingsError) -> LockmasterSettings {
        let url = root.appendingPathComponent(LockmasterSettings.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return LockmasterSettings() }
        let path = LockmasterSettings.fileName
        guard let data = try? Data(contentsOf: url) else {
            throw SettingsError(diagnostics: [
                Diagnostic(.error, at: SourceLocation(path: path), "cannot read file", hint: "check its permissions")
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SettingsError(diagnostics: [
                Diagnostic(.error, at: SourceLocation(path: path), "file is not UTF-8 text")
            ])
        }
        return try parse(text, path: path)
    }

    /// Parses settings from text; `path` is used in diagnostics.
    public static func parse(_ text: String, path: String) throws(SettingsError) -> LockmasterSettings {
        let documents: [YAMLNode]
        do {
            documents = try YAMLDocumentReader.documents(in: text)
        } catch {
            throw SettingsError(diagnostics: [
                Diagnostic(
                    .error, at: SourceLocation(path: path, line: error.position.line, column: error.position.column),
                    "invalid YAML: \(error.message)")
            ])
        }
        var settings = LockmasterSettings()
        guard let root = documents.first(where: { !$0.isNull }) else { return settings }
        let problems = schema.validate(root, path: path)
        guard problems.isEmpty else { throw SettingsError(diagnostics: problems) }
        settings.read(root)
        return settings
    }

    /// The schema every file is checked against before a value is taken from it.
    public static let schema = JSONSchema(json: SettingsSchema.json)
}

/// Takes the values of a document the schema has accepted, so every type here is already right.
extension LockmasterSettings {
    fileprivate mutating func read(_ root: YAMLNode) {
        for pair in root.pairs ?? [] {
            let value = pair.value
            switch pair.key.string {
            case "branch": branch = value.string ?? branch
            case "clustersDir": clustersDir = PathNormalizer.normalize(value.string ?? clustersDir)
            case "platformPaths": platformPaths = Self.strings(value).map(PathNormalizer.normalize)
            case "ignore": ignore = Self.strings(value)
            case "artifact": artifact = value.string
            case "environments": environments = Self.strings(value)
            case "pinDigest": pinDigest = ["true", "True", "TRUE"].contains(value.string ?? "")
            case "remoteHosts": remoteHosts = Self.strings(value)
            case "artifactSizeLimitMiB": artifactSizeLimitMiB = value.string.flatMap { Int($0) } ?? artifactSizeLimitMiB
            case "contexts":
                for context in value.pairs ?? [] {
                    if let environment = context.key.string, let name = context.value.string {
                        contexts[environment] = name
                    }
                }
            case "fluxVersion":
                for pair in value.pairs ?? [] {
                    if let environment = pair.key.string, let version = pair.value.string {
                        fluxVersion[environment] = version
                    }
                }
            case "sandbox":
                for field in value.pairs ?? [] {
                    switch field.key.string {
                    case "from": sandbox.from = field.value.string ?? sandbox.from
                    case "namePattern": sandbox.namePattern = field.value.string ?? sandbox.namePattern
                    case "exclude": sandbox.exclude = Self.strings(field.value).map(PathNormalizer.normalize)
                    case "ttl": sandbox.ttl = field.value.string ?? sandbox.ttl
                    case "max": sandbox.max = field.value.string.flatMap { Int($0) }
                    case "protected": sandbox.protected = Self.strings(field.value)
                    case "contextTemplate": sandbox.contextTemplate = field.value.string
                    case "hooks":
                        for hook in field.value.pairs ?? [] {
                            if hook.key.string == "create" { sandbox.hooks.create = Self.strings(hook.value) }
                            if hook.key.string == "destroy" { sandbox.hooks.destroy = Self.strings(hook.value) }
                        }
                    default: break
                    }
                }
            case "check":
                for field in value.pairs ?? [] {
                    for pair in field.value.pairs ?? [] {
                        guard let rule = pair.key.string else { continue }
                        if field.key.string == "rules", let severity = pair.value.string {
                            check.rules[rule] = severity
                        }
                        if field.key.string == "exclude" { check.exclude[rule] = Self.strings(pair.value) }
                    }
                }
            case "signing":
                for field in value.pairs ?? [] {
                    switch field.key.string {
                    case "key": signing.key = field.value.string
                    // As written: a path that leaves the repository is refused, not rewritten.
                    case "trustedKeys": signing.trustedKeys = Self.strings(field.value)
                    case "require": signing.require = Self.strings(field.value)
                    default: break
                    }
                }
            default: break
            }
        }
    }

    fileprivate static func strings(_ node: YAMLNode) -> [String] { (node.items ?? []).compactMap(\.string) }
}
