import Foundation

/// The text one build reads (every input file and the Flux spec), kept to answer without building what
/// its output could hold. Every answer errs towards "yes": a "no" must be a proof, because `diff`
/// leaves a build out on it.
///
/// The proofs rest on how kustomize and Flux make objects: an object's `apiVersion`, `kind`, name and
/// namespace are text of some input, changed only by the transformers named below, by generators
/// (ConfigMaps and Secrets named in their configuration) or by `postBuild` variables (`${…}` on the
/// same line). Anything this reader cannot follow — escapes, block scalars, a scanner that met an
/// unknown key — answers "yes".
struct BuildContent: Sendable {
    let text: String
    /// The scanner met a key it does not know: the input files may be incomplete.
    let incomplete: Bool
    /// Names may be made by a transformer or written in a way this reader does not follow.
    private let namesUnknown: Bool
    /// Kinds or API versions come from variables.
    private let typesUnknown: Bool
    /// Namespaces may be written in a way this reader does not follow.
    private let namespacesUnknown: Bool
    /// The namespace values that hold variables, as patterns.
    private let namespacePatterns: [NSRegularExpression]
    /// The name-like values that hold variables, as patterns (`${APP}-config` → `^.*-config$`).
    private let namePatterns: [NSRegularExpression]

    /// The Flux spec fields whose text can reach objects; the rest (dependsOn, interval, the names of
    /// `substituteFrom` sources, …) never do. A `substituteFrom` value reaches them only through a
    /// `${…}`, which the patterns treat as anything.
    static let objectFields = [
        ["targetNamespace"], ["namePrefix"], ["nameSuffix"], ["patches"], ["images"], ["components"],
        ["commonMetadata"],
        ["postBuild", "substitute"],
    ]

    /// The Flux Kustomization's `targetNamespace`: every namespaced object it applies is in it.
    private let targetNamespace: String?

    /// - Parameters:
    ///   - variables: `postBuild.substitute`, whose values win over every other source of a variable.
    ///   - targetNamespace: `spec.targetNamespace`, when set.
    init(text: String, incomplete: Bool, variables: [String: String] = [:], targetNamespace: String? = nil) {
        self.text = text
        // kustomize sets it before substitution runs, so a `${…}` in it is what the object keeps.
        self.targetNamespace = targetNamespace
        self.incomplete = incomplete
        var namesUnknown =
            incomplete
            || ["namePrefix", "nameSuffix", "Transformer", "replacements", "!!"].contains { text.contains($0) }
        // A JSON patch can set an object's apiVersion or kind from a value on another line, and a List's
        // items have theirs indented.
        var typesUnknown =
            incomplete || Self.typePatch.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            || Self.namesKind("List", in: text) || text.contains("replacements")
        var patterns: [NSRegularExpression] = []
        var namespacesUnknown =
            incomplete || ["Transformer", "replacements", "!!"].contains { text.contains($0) }
        var namespaceValues: [NSRegularExpression] = []
        var afterTargetNamespace = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            // The spec's own `targetNamespace:` heads its value's line (as the cache writes the spec
            // fields); a variable there could be any namespace.
            if afterTargetNamespace, line.contains("${") { namespacesUnknown = true }
            afterTargetNamespace = line == "targetNamespace:"
            // A namespace key (`namespace:`, `targetNamespace:`) whose value is escaped or starts on the
            // next lines.
            if !afterTargetNamespace, line.range(of: "namespace", options: .caseInsensitive) != nil,
                let colon = line.firstIndex(of: ":")
            {
                let key = line[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: " -\"'{,")).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if key.hasSuffix("namespace"),
                    line.contains("\\") || value.isEmpty || value.hasPrefix("|") || value.hasPrefix(">")
                {
                    namespacesUnknown = true
                }
            }
            // An escape in a double-quoted scalar can spell any key or value (`"api\u0056ersion"`), and such
            // a scalar may span lines: any backslash makes names, kinds and namespaces unknown.
            if line.contains("\\") {
                namesUnknown = true
                typesUnknown = true
                namespacesUnknown = true
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            // An explicit key (`? apiVersion`), or a kind or apiVersion whose value is on the next lines:
            // not followed here.
            if trimmed.hasPrefix("?")
                || Self.typeKeyAlone.firstMatch(in: trimmed, range: NSRange(trimmed.startIndex..., in: trimmed)) != nil
            {
                typesUnknown = true
            }
            // A name whose value starts on the next lines (block scalar, or nothing yet).
            if let colon = trimmed.range(of: "name:", options: .caseInsensitive) {
                let value = trimmed[colon.upperBound...].trimmingCharacters(in: .whitespaces)
                if value.isEmpty || value.hasPrefix("|") || value.hasPrefix(">") { namesUnknown = true }
            }
            guard let variable = line.range(of: "${") else { continue }
            let before = line[..<variable.lowerBound]
            // A variable in a kind or apiVersion: at any indentation, since a whole document may be indented.
            if before.contains("apiVersion") || before.contains("kind") { typesUnknown = true }
            guard before.range(of: "name", options: .caseInsensitive) != nil else { continue }
            // A namespace key's value (the last key before the variable ends in `namespace`).
            let key = before.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")).dropLast(
                before.trimmingCharacters(in: CharacterSet(charactersIn: " \"'")).hasSuffix(":") ? 1 : 0)
            let namespaced =
                key.split(whereSeparator: { " {,:-\"'".contains($0) }).last?.lowercased().hasSuffix("namespace")
                ?? false
            guard let pattern = Self.pattern(line: line, variable: variable, variables: variables) else {
                namesUnknown = true
                if namespaced { namespacesUnknown = true }
                continue
            }
            patterns.append(pattern)
            if namespaced { namespaceValues.append(pattern) }
        }
        self.namesUnknown = namesUnknown
        self.typesUnknown = typesUnknown
        self.namespacesUnknown = namespacesUnknown
        namespacePatterns = namespaceValues
        namePatterns = patterns
    }

    /// Whether the output could hold a Flux Kustomization (and so children to render): its group is
    /// written somewhere other than as an annotation or label key (`kustomize.toolkit.fluxcd.io/prune:`)
    /// or in a comment line (a schema URL). Every other mention counts, however the YAML around it is
    /// written (a comment between key and value, an anchor, a complex key).
    var mayYieldFluxKustomization: Bool {
        guard !typesUnknown, text.contains("kustomize.toolkit.fluxcd.io") else { return typesUnknown }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true)
        where line.contains("kustomize.toolkit.fluxcd.io") {
            if line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") { continue }
            let line = String(line)
            let range = NSRange(line.startIndex..., in: line)
            let mentions = Self.groupMention.numberOfMatches(in: line, range: range)
            let keys = Self.groupKey.numberOfMatches(in: line, range: range)
            if mentions > keys { return true }
        }
        return false
    }

    private static let typePatch = try! NSRegularExpression(pattern: #"path["']?\s*:\s*["']?/(apiVersion|kind)\b"#)

    /// `apiVersion:` or `kind:` (any item or quoting) with no value on its line.
    private static let typeKeyAlone = try! NSRegularExpression(
        pattern: #"^(-\s+)?["']?(apiVersion|kind)["']?\s*:\s*(#.*)?$"#)

    private static let groupMention = try! NSRegularExpression(pattern: #"kustomize\.toolkit\.fluxcd\.io"#)
    /// The group as the prefix of a metadata key: `kustomize.toolkit.fluxcd.io/name: value`, quoted or not.
    private static let groupKey = try! NSRegularExpression(
        pattern: #"(^|[\s{,"'])kustomize\.toolkit\.fluxcd\.io/[A-Za-z0-9._-]+["']?\s*:(\s|$)"#)

    /// Whether the output could hold an object of `kind` named `name` (nil: any name) in `namespace`
    /// (nil or empty: any namespace).
    func mayContain(kind: String, name: String?, namespace: String? = nil) -> Bool {
        guard
            typesUnknown || Self.namesKind(kind, in: text)
                || (kind == "ConfigMap" && text.contains("configMapGenerator"))
                || (kind == "Secret" && text.contains("secretGenerator"))
        else { return false }
        if let namespace, !namespace.isEmpty {
            if let targetNamespace, targetNamespace != namespace { return false }
            // An object that writes no namespace is in `default` without saying so.
            if namespace != "default", !mayName(namespace) { return false }
        }
        guard let name else { return true }
        return mayName(name)
    }

    /// Whether the output could write `value` as a namespace anywhere (a reference's, say): it is in
    /// the text as a whole name, a namespace value with variables could become it, or what could make it
    /// otherwise is there (a transformer, replacements, a tag, an escape or a block scalar on a
    /// namespace line). Prefixes and suffixes, which make names unknown, never touch a namespace.
    func mayMention(_ value: String) -> Bool {
        // An object that writes no namespace is in `default` (or the targetNamespace) without saying so.
        if value == "default" || namespacesUnknown || Self.containsWord(value, in: text) { return true }
        let range = NSRange(value.startIndex..., in: value)
        return namespacePatterns.contains { $0.firstMatch(in: value, range: range) != nil }
    }

    /// Whether `value` is in `text` as a whole name: not as part of a longer one (`cert-manager` in
    /// `cert-manager.io/cluster-issuer`), since a name is written whole or made by what this type
    /// already answers "unknown" for (prefixes, suffixes, variables).
    private static func containsWord(_ value: String, in text: String) -> Bool {
        func isNameCharacter(_ character: Character) -> Bool {
            character.isLetter || character.isNumber || "-._".contains(character)
        }
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: value, range: searchRange) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !(before.map(isNameCharacter) ?? false), !(after.map(isNameCharacter) ?? false) { return true }
            searchRange = text.index(after: found.lowerBound)..<text.endIndex
        }
        return false
    }

    /// Whether `kind` is written as a kind (`kind: X`, `"kind":"X"`, in a flow mapping too), not only
    /// inside another word (`targetNamespace` holds `Namespace`).
    private static func namesKind(_ kind: String, in text: String) -> Bool {
        guard text.contains(kind) else { return false }
        let pattern = #"kind["']?\s*:\s*["']?"# + NSRegularExpression.escapedPattern(for: kind) + #"(["'\s,}\]]|$)"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return true }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Whether some object's name (or namespace) could be `value`: it is in the text, or a name-like
    /// line with variables could become it.
    private func mayName(_ value: String) -> Bool {
        if namesUnknown || Self.containsWord(value, in: text) { return true }
        let range = NSRange(value.startIndex..., in: value)
        return namePatterns.contains { $0.firstMatch(in: value, range: range) != nil }
    }

    /// The value of `key: value` on `line` (block or flow style) as a pattern in which `${NAME}` is the
    /// value `variables` gives it and any other `${…}` is anything; nil when the value's form is not
    /// followed here (quotes left open).
    private static func pattern(line: Substring, variable: Range<Substring.Index>, variables: [String: String])
        -> NSRegularExpression?
    {
        guard let colon = line[..<variable.lowerBound].lastIndex(of: ":") else { return nil }
        var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if let quote = value.first, quote == "\"" || quote == "'" {
            value.removeFirst()
            guard let end = value.firstIndex(of: quote) else { return nil }
            value = String(value[..<end])
        } else {
            // Flow style: the value ends at the next separator outside `${…}` (a name holds none of them).
            var depth = 0
            for index in value.indices {
                let character = value[index]
                if character == "{" {
                    depth += 1
                } else if character == "}", depth > 0 {
                    depth -= 1
                } else if depth == 0, ",]}#".contains(character) {
                    value = String(value[..<index])
                    break
                }
            }
        }
        value = value.trimmingCharacters(in: .whitespaces)
        var regex = "^"
        var rest = Substring(value)
        var wildcards = 0
        while let start = rest.range(of: "${") {
            regex += NSRegularExpression.escapedPattern(for: String(rest[..<start.lowerBound]))
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else { return nil }
            let expression = String(rest[start.upperBound..<close])
            // A plain `${NAME}` set by the spec is that text; an operator (`:-`, `^^`, …) or another variable could be anything.
            if let known = variables[expression] {
                regex += NSRegularExpression.escapedPattern(for: known)
            } else {
                // A branch can write many variables on one line; past a few, matching could take
                // exponential time, so the name is unknown instead.
                wildcards += 1
                guard wildcards <= 4 else { return nil }
                regex += ".*"
            }
            rest = rest[rest.index(after: close)...]
        }
        regex += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        return try? NSRegularExpression(pattern: regex)
    }
}

/// What identifies a build and what it reads: the cache key (the spec's object fields, the path and
/// every file the build reads, hashed) and the content, from which a render proves what a build it has
/// not run can and cannot hold.
struct BuildFingerprint: Sendable {
    var key: String
    var content: BuildContent
}
