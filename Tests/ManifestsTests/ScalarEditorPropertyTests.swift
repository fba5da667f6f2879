import Foundation
import Manifests
import PropertyBased
import TestSupport
import Testing
import Yams

/// Generated documents with comments, every quoting style, anchors, aliases and flow collections:
/// setting one scalar changes exactly that scalar. Yams, not Lockmaster's reader, is the oracle.
@Suite struct ScalarEditorPropertyTests {
    /// Values that stress quoting: YAML keywords, numbers, indicators, escapes, non-ASCII.
    static let values = [
        "main", "v1.2.3", "1.2.3", "true", "null", "~", "", "a: b", "# not a comment", "it's", "say \"hi\"",
        "back\\slash", "- item", "[x]", "{y}", "é-ünïcode", "multi word value", "0x10", "*star", "&amp", "!bang",
        "%pct", "@at", "`tick`", "trailing ", " leading", "tab\there", "line\nbreak", "comma, here", "1e3", "yes", "-",
    ]

    @Test func settingAScalarChangesExactlyThatScalar() async throws {
        let checked = Counter()
        await propertyCheck(
            count: 1000, input: Gen.int(in: 0...1_000_000).array(of: 1...12), Gen.int(in: 0...1000),
            Gen.int(in: 0...(Self.values.count - 1)), Gen.bool
        ) { entries, pick, valueIndex, flowLabels in
            let document = GeneratedDocument(entries: entries, flowLabels: flowLabels)
            guard !document.targets.isEmpty else { return }
            let target = document.targets[pick % document.targets.count]
            let value = Self.values[valueIndex]
            checked.add()
            let result: ScalarEditResult
            do {
                result = try ScalarEditor.edit(
                    text: document.text, displayPath: "cm.yaml",
                    selector: ObjectSelector(kind: "ConfigMap", name: "target"), path: target.path, value: value)
            } catch {
                #expect(
                    target.aliased, "refused \(target.path) = \(value.debugDescription): \(error)\n\(document.text)")
                return
            }
            #expect(!target.aliased, "edited an anchor used through an alias:\n\(result.text)")
            if target.aliased { return }
            // The parsed documents are the originals with exactly one scalar replaced by the string `value`.
            let before = try Canonical.documents(document.text)
            let after = try Canonical.documents(result.text)
            #expect(
                after
                    == before.map {
                        $0.replacing(target.path, in: "target", with: .scalar(value, tag: "tag:yaml.org,2002:str"))
                    },
                "\(target.path) = \(value.debugDescription)\n--- before\n\(document.text)\n--- after\n\(result.text)")
            // Every other line is byte for byte what it was; on the edited line the key and the comment survive.
            let old = document.text.components(separatedBy: "\n")
            let new = result.text.components(separatedBy: "\n")
            #expect(old.count == new.count)
            let changed = zip(old, new).enumerated().filter { $0.element.0 != $0.element.1 }
            #expect(changed.count <= 1, "\(changed.count) lines changed")
            if let line = changed.first?.element {
                let key = (target.path.count == 3 ? "" : " ") + target.path.last! + ":"
                if let end = line.0.range(of: key)?.upperBound { #expect(line.1.hasPrefix(line.0[..<end])) }
                if let comment = line.0.range(of: "  # note") {
                    #expect(line.1.hasSuffix(line.0[comment.lowerBound...]))
                }
            }
        }
        print("scalar-edit property: \(checked.value) generated documents edited, 0 violations")
    }
}

/// A ConfigMap document built deterministically from generated numbers, after another ConfigMap.
struct GeneratedDocument {
    struct Target {
        var path: [String]
        var aliased: Bool
    }
    var text = ""
    var targets: [Target] = []

    init(entries: [Int], flowLabels: Bool) {
        var lines = [
            "# generated", "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: other", "data:",
            "  k0: same-key-elsewhere", "---",
            "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: target",
        ]
        if flowLabels {
            lines.append("  labels: {app: web, tier: \"front\"}  # note on labels")
            targets.append(Target(path: ["metadata", "labels", "app"], aliased: false))
            targets.append(Target(path: ["metadata", "labels", "tier"], aliased: false))
        }
        lines.append("data:")
        var anchors: [(name: String, target: Int)] = []
        for (index, n) in entries.enumerated() {
            let key = "k\(index)"
            let word = "w\(n % 997)"
            let singleLine = ScalarEditorPropertyTests.values.filter { !$0.contains("\n") }
            let quotedValue = singleLine[(n / 21) % singleLine.count]
            let comment = (n / 7) % 3
            if comment == 2 { lines.append("  # about \(key)") }
            let body: String
            switch n % 7 {
            case 0:
                body = word
                targets.append(Target(path: ["data", key], aliased: false))
            case 1:
                body = "'" + quotedValue.replacingOccurrences(of: "'", with: "''") + "'"
                targets.append(Target(path: ["data", key], aliased: false))
            case 2:
                body =
                    "\""
                    + quotedValue.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                        of: "\"", with: "\\\""
                    )
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t") + "\""
                targets.append(Target(path: ["data", key], aliased: false))
            case 3:
                body = "{inner: \(word), other: \"x\"}"
                targets.append(Target(path: ["data", key, "inner"], aliased: false))
            case 4:
                body = "[a, \(word)]"
            case 5:
                body = "&a\(index) \(word)"
                anchors.append((name: "a\(index)", target: targets.count))
                targets.append(Target(path: ["data", key], aliased: false))
            default:
                if let anchor = anchors.popLast() {
                    body = "*\(anchor.name)"
                    targets[anchor.target].aliased = true
                } else {
                    body = word
                }
            }
            lines.append("  \(key): \(body)" + (comment == 1 ? "  # note \(index)" : ""))
            if n % 5 == 0 { lines.append("") }
        }
        text = lines.joined(separator: "\n") + "\n"
    }
}

/// Documents reduced to what they mean: scalars with their resolved tag, mappings in order, sequences.
indirect enum Canonical: Equatable {
    case scalar(String, tag: String)
    case mapping([Pair])
    case sequence([Canonical])

    struct Pair: Equatable {
        var key: Canonical
        var value: Canonical
    }

    static func documents(_ text: String) throws -> [Canonical] {
        try Yams.compose_all(yaml: text).map(Canonical.init)
    }

    init(_ node: Node) {
        switch node {
        case .scalar(let scalar): self = .scalar(scalar.string, tag: node.tag.description)
        case .mapping(let mapping):
            self = .mapping(mapping.map { Pair(key: Canonical($0.key), value: Canonical($0.value)) })
        case .sequence(let sequence): self = .sequence(sequence.map(Canonical.init))
        case .alias(let alias): self = .scalar("*\(alias.anchor)", tag: "alias")
        }
    }

    /// In the document whose metadata.name is `name`, the node at `path` replaced by `replacement`.
    func replacing(_ path: [String], in name: String, with replacement: Canonical) -> Canonical {
        guard self[["metadata", "name"]] == .scalar(name, tag: "tag:yaml.org,2002:str") else { return self }
        return replacing(path[...], with: replacement)
    }

    private func replacing(_ path: ArraySlice<String>, with replacement: Canonical) -> Canonical {
        guard let first = path.first else { return replacement }
        guard case .mapping(let pairs) = self else { return self }
        return .mapping(
            pairs.map { pair in
                guard case .scalar(first, _) = pair.key else { return pair }
                return Pair(key: pair.key, value: pair.value.replacing(path.dropFirst(), with: replacement))
            })
    }

    subscript(path: [String]) -> Canonical? {
        var node: Canonical? = self
        for component in path {
            guard case .mapping(let pairs)? = node else { return nil }
            node = pairs.last(where: { if case .scalar(component, _) = $0.key { true } else { false } })?.value
        }
        return node
    }
}
