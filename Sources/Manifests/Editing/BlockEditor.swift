import Foundation
import Support

/// Replaces one block mapping (e.g. a HelmRelease's `spec.values`) with the same mapping from another
/// file, re-indented; every other byte stays. Like `ScalarEditor`, it verifies by parsing the result.
public enum BlockEditor {
    /// - Parameters:
    ///   - source: the text the block is copied from, and the document and path that hold it there.
    /// - Returns: the new target text.
    public static func copyBlock(
        path: [String], from source: (text: String, selector: ObjectSelector),
        into target: (text: String, selector: ObjectSelector), displayPath: String
    ) throws -> String {
        let key = path.joined(separator: ".")
        let sourceLines = source.text.components(separatedBy: "\n")
        let targetLines = target.text.components(separatedBy: "\n")
        let (sourceKey, sourceBlock) = try block(
            in: sourceLines, text: source.text, selector: source.selector, path: path, displayPath: displayPath)
        let (targetKey, targetBlock) = try block(
            in: targetLines, text: target.text, selector: target.selector, path: path, displayPath: displayPath)
        let shift = indentation(targetLines[targetKey]) - indentation(sourceLines[sourceKey])
        let copied = sourceLines[sourceBlock].map { line -> String in
            if line.trimmingCharacters(in: .whitespaces).isEmpty { return line }
            return shift >= 0 ? String(repeating: " ", count: shift) + line : String(line.dropFirst(-shift))
        }
        var lines = targetLines
        lines.replaceSubrange(targetBlock, with: copied)
        let result = lines.joined(separator: "\n")

        // Verify: the target document now holds the source's block, and nothing else changed.
        let sourceDocument = try document(source.text, source.selector, displayPath)
        let before = try document(target.text, target.selector, displayPath)
        let after = try document(result, target.selector, displayPath)
        guard let wanted = sourceDocument.node(at: path), let got = after.node(at: path), got.sameContent(as: wanted),
            after.sameContent(as: before.replacing(path, with: wanted))
        else {
            throw ScalarEditError.unsafe(
                SourceLocation(path: displayPath), key: key, reason: "the copied block would not read back the same")
        }
        return result
    }

    /// The line of `key:` and the range of lines of its block (indented deeper, blank lines inside kept).
    private static func block(
        in lines: [String], text: String, selector: ObjectSelector, path: [String], displayPath: String
    ) throws -> (Int, Range<Int>) {
        let key = path.joined(separator: ".")
        let root = try document(text, selector, displayPath)
        guard let parent = root.node(at: Array(path.dropLast())),
            let pair = parent.pairs?.last(where: { $0.key.string == path.last })
        else {
            throw ScalarEditError.keyMissing(
                SourceLocation(path: displayPath, line: root.position.line, column: 1), key: key)
        }
        guard pair.value.pairs != nil, !pair.value.isAlias else {
            throw ScalarEditError.notAScalar(
                SourceLocation(path: displayPath, line: pair.key.position.line, column: pair.key.position.column),
                key: key)
        }
        let keyLine = pair.key.position.line - 1
        let rest = lines[keyLine].drop { $0 == " " }.dropFirst(path.last!.count)
        guard
            rest.trimmingCharacters(in: .whitespaces) == ":"
                || rest.trimmingCharacters(in: .whitespaces).hasPrefix(": #")
                || rest.trimmingCharacters(in: .whitespaces).hasPrefix(":#")
        else {
            throw ScalarEditError.cannotInsert(
                SourceLocation(path: displayPath, line: keyLine + 1, column: 1), key: key,
                reason: "it is written in flow style or with an anchor")
        }
        let indent = indentation(lines[keyLine])
        var end = keyLine + 1
        var lastContent = keyLine
        while end < lines.count {
            let line = lines[end]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                end += 1
                continue
            }
            if indentation(line) <= indent || line.hasPrefix("---") { break }
            lastContent = end
            end += 1
        }
        return (keyLine, (keyLine + 1)..<(lastContent + 1))
    }

    private static func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    private static func document(_ text: String, _ selector: ObjectSelector, _ displayPath: String) throws -> YAMLNode {
        let documents: [YAMLNode]
        do { documents = try YAMLDocumentReader.documents(in: text) } catch {
            throw ScalarEditError.invalidYAML(
                SourceLocation(path: displayPath, line: error.position.line, column: error.position.column),
                message: error.message)
        }
        let matches = documents.filter { document in
            guard let apiVersion = document.string(at: ["apiVersion"]), let kind = document.string(at: ["kind"]) else {
                return false
            }
            return selector.matches(
                KubernetesObject(
                    apiVersion: apiVersion, kind: kind, name: document.string(at: ["metadata", "name"]),
                    namespace: document.string(at: ["metadata", "namespace"]),
                    location: SourceLocation(path: displayPath), documentIndex: 0, root: document))
        }
        guard matches.count == 1, let match = matches.first else {
            throw ScalarEditError.noMatchingDocument(path: displayPath, selector: selector.description)
        }
        return match
    }
}

extension YAMLNode {
    /// A copy with the node at `path` replaced (content only; for verifying edits).
    func replacing(_ path: [String], with node: YAMLNode) -> YAMLNode {
        guard let key = path.first, case .mapping(let pairs) = content else { return node }
        var copy = self
        var updated = pairs
        if let index = pairs.lastIndex(where: { $0.key.string == key }) {
            updated[index].value = pairs[index].value.replacing(Array(path.dropFirst()), with: node)
        }
        copy.content = .mapping(updated)
        return copy
    }
}
