public import Foundation
public import Support

/// What an edit did.
public struct ScalarEditResult: Sendable, Equatable {
    /// The new file content.
    public var text: String
    /// The value before the edit; nil when the key was created.
    public var oldValue: String?
    /// Where the value is written (after the edit).
    public var location: SourceLocation
    /// False when the value was already the requested one and nothing was written.
    public var changed: Bool
}

/// Replaces one scalar in one document of a YAML file and leaves every other byte as it was:
/// comments, quoting, key order, blank lines, document separators and line endings.
/// Each edit is checked by parsing the result: if anything but the target value would change,
/// the edit is refused.
public enum ScalarEditor {
    /// Edits the file at `url` in place (atomic write).
    /// - Parameters:
    ///   - displayPath: the path used in messages, usually relative to the repository root.
    ///   - create: add the key to its (existing) parent mapping when it is missing.
    /// - Throws: `ScalarEditError` or `AtomicFileError`; the file is unchanged when it throws.
    @discardableResult
    public static func edit(
        file url: URL, displayPath: String, selector: ObjectSelector, path: [String], value: String,
        create: Bool = false
    ) throws -> ScalarEditResult {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ScalarEditError.unreadable(path: displayPath, reason: ManifestLoader.reason(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScalarEditError.unreadable(path: displayPath, reason: "not UTF-8 text")
        }
        let result = try edit(
            text: text, displayPath: displayPath, selector: selector, path: path, value: value, create: create)
        if result.changed { try AtomicFile.write(Data(result.text.utf8), to: url) }
        return result
    }

    /// Computes the edited text without touching any file.
    public static func edit(
        text: String, displayPath: String, selector: ObjectSelector, path: [String], value: String, create: Bool = false
    ) throws -> ScalarEditResult {
        precondition(!path.isEmpty, "an edit needs a key path")
        let key = path.joined(separator: ".")
        let source = SourceText(text)
        guard !source.hasUnsupportedBreaks else { throw ScalarEditError.unsupportedLineBreaks(path: displayPath) }

        let documents = try parse(text, displayPath: displayPath)
        let (index, document) = try matchingDocument(documents, displayPath: displayPath, selector: selector)
        func location(_ position: TextPosition) -> SourceLocation {
            SourceLocation(path: displayPath, line: position.line, column: position.column)
        }

        // Walk the path, refusing to edit through an alias: the change would land elsewhere.
        var parent = document
        for (depth, component) in path.dropLast().enumerated() {
            guard let next = parent[component], next.pairs != nil, !next.isAlias else {
                let partial = path.prefix(depth + 1).joined(separator: ".")
                if let pair = parent.pairs?.last(where: { $0.key.string == component }), pair.value.isAlias {
                    throw ScalarEditError.alias(location(pair.key.position), key: partial)
                }
                throw create
                    ? ScalarEditError.parentMissing(location(parent.position), key: key)
                    : ScalarEditError.keyMissing(location(parent.position), key: key)
            }
            parent = next
        }
        let last = path[path.count - 1]

        let newText: String
        let oldValue: String?
        let expected: YAMLNode
        if let pair = parent.pairs?.last(where: { $0.key.string == last }) {
            let node = pair.value
            let here = location(node.position)
            if node.isNull, node.string == "" {
                throw ScalarEditError.cannotInsert(here, key: key, reason: "it is present with an empty value")
            }
            // An alias's node carries the anchor's position; point at the key that uses it.
            if node.isAlias { throw ScalarEditError.alias(location(pair.key.position), key: key) }
            guard case .scalar(let current, let style, _) = node.content else {
                throw ScalarEditError.notAScalar(here, key: key)
            }
            if current == value, !node.isNull {
                return ScalarEditResult(text: text, oldValue: current, location: here, changed: false)
            }
            let span = try source.scalarSpan(
                of: node, style: style, inFlow: source.isFlowCollection(parent), key: key, at: here)
            let replacement = encode(value, style: style, inFlow: source.isFlowCollection(parent))
            newText = source.replacing(span, with: replacement)
            oldValue = node.isNull ? nil : current
            expected = document.replacingScalar(at: path, with: value)
        } else {
            guard create else { throw ScalarEditError.keyMissing(location(parent.position), key: key) }
            guard !source.isFlowCollection(parent), let first = parent.pairs?.first else {
                throw ScalarEditError.cannotInsert(
                    location(parent.position), key: key, reason: "its parent is empty or written in flow style ({...})")
            }
            let line = try source.insertionLine(after: first, key: key, at: location(first.key.position))
            let indent = String(repeating: " ", count: first.key.position.column - 1)
            let encoded = encode(value, style: .plain, inFlow: false)
            newText = source.inserting(line: "\(indent)\(last): \(encoded)", at: line)
            oldValue = nil
            expected = document.inserting(key: last, value: value, after: path.dropLast(), position: 1)
        }

        // Verify: every document but the target is unchanged, and the target changed only at `path`.
        let reparsed = try parse(newText, displayPath: displayPath)
        let here =
            reparsed.indices.contains(index)
            ? reparsed[index].node(at: path)?.position ?? document.position : document.position
        let sameShape =
            reparsed.count == documents.count
            && zip(reparsed, documents).enumerated().allSatisfy {
                $0.offset == index || $0.element.0.sameContent(as: $0.element.1)
            }
        guard sameShape, reparsed[index].sameContent(as: expected) else {
            throw ScalarEditError.unsafe(
                location(here), key: key,
                reason: "the result would change more than this value (is it anchored and used through an alias?)")
        }
        guard let written = reparsed[index].node(at: path), case .scalar(let text, let style, _) = written.content,
            text == value,
            style != .plain || PlainScalar.canBePlain(value, inFlow: source.isFlowCollection(parent))
        else {
            throw ScalarEditError.unsafe(
                location(here), key: key, reason: "the new value would not read back as the string '\(value)'")
        }
        return ScalarEditResult(text: newText, oldValue: oldValue, location: location(written.position), changed: true)
    }

    private static func parse(_ text: String, displayPath: String) throws(ScalarEditError) -> [YAMLNode] {
        do {
            return try YAMLDocumentReader.documents(in: text)
        } catch {
            throw .invalidYAML(
                SourceLocation(path: displayPath, line: error.position.line, column: error.position.column),
                message: error.message)
        }
    }

    private static func matchingDocument(_ documents: [YAMLNode], displayPath: String, selector: ObjectSelector)
        throws(ScalarEditError) -> (Int, YAMLNode)
    {
        let matches = documents.enumerated().filter { _, document in
            guard let apiVersion = document.string(at: ["apiVersion"]), let kind = document.string(at: ["kind"]) else {
                return false
            }
            let object = KubernetesObject(
                apiVersion: apiVersion, kind: kind, name: document.string(at: ["metadata", "name"]),
                namespace: document.string(at: ["metadata", "namespace"]),
                location: SourceLocation(path: displayPath), documentIndex: 0, root: document)
            return selector.matches(object)
        }
        guard let first = matches.first else {
            throw .noMatchingDocument(path: displayPath, selector: selector.description)
        }
        guard matches.count == 1 else {
            let locations = matches.map {
                SourceLocation(path: displayPath, line: $0.element.position.line, column: $0.element.position.column)
            }
            throw .multipleMatchingDocuments(path: displayPath, selector: selector.description, locations: locations)
        }
        return first
    }

    /// Writes `value` in the style the old value used, quoting a plain value that needs it.
    private static func encode(_ value: String, style: ScalarStyle, inFlow: Bool) -> String {
        switch style {
        case .singleQuoted:
            return PlainScalar.singleQuoted(value) ?? PlainScalar.doubleQuoted(value)
        case .doubleQuoted:
            return PlainScalar.doubleQuoted(value)
        case .plain, .literal, .folded:
            return PlainScalar.canBePlain(value, inFlow: inFlow) ? value : PlainScalar.doubleQuoted(value)
        }
    }
}

extension YAMLNode {
    /// A copy with the scalar at `path` set to `value` (content only; used to verify edits).
    func replacingScalar(at path: [String], with value: String) -> YAMLNode {
        guard let key = path.first, case .mapping(let pairs) = content else {
            guard case .scalar(_, let style, let tag) = content else { return self }
            var copy = self
            copy.content = .scalar(value, style: style, tag: tag)
            return copy
        }
        var copy = self
        var updated = pairs
        if let index = pairs.lastIndex(where: { $0.key.string == key }) {
            updated[index].value = pairs[index].value.replacingScalar(at: Array(path.dropFirst()), with: value)
        }
        copy.content = .mapping(updated)
        return copy
    }

    /// A copy with `key: value` inserted at `position` in the mapping at `parentPath`.
    func inserting(key: String, value: String, after parentPath: ArraySlice<String>, position: Int) -> YAMLNode {
        guard case .mapping(let pairs) = content else { return self }
        var copy = self
        var updated = pairs
        if let first = parentPath.first {
            if let index = pairs.lastIndex(where: { $0.key.string == first }) {
                updated[index].value = pairs[index].value.inserting(
                    key: key, value: value, after: parentPath.dropFirst(), position: position)
            }
        } else {
            let pair = Pair(
                key: YAMLNode(.scalar(key, style: .plain, tag: nil), at: self.position),
                value: YAMLNode(.scalar(value, style: .plain, tag: nil), at: self.position))
            updated.insert(pair, at: Swift.min(position, updated.count))
        }
        copy.content = .mapping(updated)
        return copy
    }
}
