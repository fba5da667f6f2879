import Foundation

/// Seeded edits of the kinds a pull request makes to an estate, made to its work tree as text: values,
/// versions of chart sources, namespaces and `targetNamespace`, substitution variables, generator
/// literals, chart references, list entries of kustomization files, moved, deleted and copied files.
/// The differential test's changes; an edit may leave YAML that kustomize refuses, which both diffs
/// must then report alike.
struct EstateMutator {
    enum Edit: String, CaseIterable {
        case value, version, namespace, targetNamespace, substitute, literal, chartReference
        case entryDropped, fileMoved, fileDeleted, documentCopied, lineDeleted
    }

    let root: URL
    /// The YAML files an edit may touch, relative to `root`.
    let files: [String]

    /// - Parameter paths: the folders (relative to `root`) whose YAML files are edited.
    init(root: URL, paths: [String]) {
        self.root = root
        var files: [String] = []
        for path in paths {
            let base = root.appendingPathComponent(path)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
            else { continue }
            for case let url as URL in walker where ["yaml", "yml"].contains(url.pathExtension) {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
                files.append(String(url.path.dropFirst(root.path.count + 1)))
            }
        }
        self.files = files.sorted()
    }

    /// Makes one edit of a kind picked by `generator` and says what it did; nil when no file offers
    /// that kind (the caller draws again).
    func apply(using generator: inout some RandomNumberGenerator) throws -> String? {
        let edit = Edit.allCases.randomElement(using: &generator)!
        switch edit {
        case .value:
            return try editLine(edit, using: &generator, where: Self.scalar) { line, generator in
                Self.changed(line, using: &generator)
            }
        case .version:
            return try editLine(edit, using: &generator, where: Self.versionLine) { line, generator in
                Self.changed(line, using: &generator)
            }
        case .namespace:
            return try editLine(edit, using: &generator, where: Self.keyed("namespace")) { line, _ in
                Self.replacingValue(line) { $0 == "default" ? "flux-system" : "default" }
            }
        case .targetNamespace:
            return try editLine(edit, using: &generator, where: Self.keyed("targetNamespace")) { line, generator in
                Bool.random(using: &generator) ? "" : Self.replacingValue(line) { $0 + "-moved" }
            }
        case .substitute:
            return try editLine(edit, using: &generator, where: { $0.contains("${") }) { line, generator in
                // A default makes an unset variable a value; a new name makes a set one unset.
                Bool.random(using: &generator)
                    ? line.replacingOccurrences(of: "}", with: ":=fallback}")
                    : line.replacingOccurrences(of: "${", with: "${X_")
            }
        case .literal:
            return try editLine(edit, using: &generator, where: Self.literal) { line, _ in line + "-changed" }
        case .chartReference:
            return try editLine(edit, using: &generator, where: Self.keyed("chartRef", "sourceRef")) { line, _ in
                line.contains("namespace")
                    ? line.replacingOccurrences(of: "namespace:", with: "namespace: x")
                    : line.replacingOccurrences(of: "name:", with: "name: other-")
            }
        case .entryDropped:
            return try dropEntry(using: &generator)
        case .fileMoved:
            return try moveFile(using: &generator)
        case .fileDeleted:
            guard let file = files.filter(exists).randomElement(using: &generator) else { return nil }
            try FileManager.default.removeItem(at: url(file))
            return "deleted \(file)"
        case .documentCopied:
            return try copyDocument(using: &generator)
        case .lineDeleted:
            return try editLine(edit, using: &generator, where: Self.scalar) { _, _ in nil }
        }
    }

    // MARK: - Edits

    /// Replaces (nil: removes) one line that `matches`, in a file picked at random among those that
    /// hold one.
    private func editLine(
        _ edit: Edit, using generator: inout some RandomNumberGenerator, where matches: (String) -> Bool,
        _ change: (String, inout any RandomNumberGenerator) -> String?
    ) throws -> String? {
        var candidates: [(file: String, lines: [String], indices: [Int])] = []
        for file in files where exists(file) {
            let lines = try read(file)
            let indices = lines.indices.filter { matches(lines[$0]) }
            if !indices.isEmpty { candidates.append((file, lines, indices)) }
        }
        guard let picked = candidates.randomElement(using: &generator) else { return nil }
        let index = picked.indices.randomElement(using: &generator)!
        var lines = picked.lines
        var erased: any RandomNumberGenerator = SeededGenerator(seed: generator.next())
        let old = lines[index]
        if let new = change(old, &erased) {
            guard new != old else { return nil }
            lines[index] = new
        } else {
            lines.remove(at: index)
        }
        try write(picked.file, lines)
        return "\(edit.rawValue) in \(picked.file):\(index + 1): \(old.trimmingCharacters(in: .whitespaces))"
    }

    /// Drops one entry of a kustomization file's list (`resources`, `components`, …), block or flow.
    private func dropEntry(using generator: inout some RandomNumberGenerator) throws -> String? {
        let kustomizations = files.filter { exists($0) && Self.isKustomizationFile($0) }
        guard let file = kustomizations.randomElement(using: &generator) else { return nil }
        var lines = try read(file)
        var entries: [(line: Int, range: Range<String.Index>?)] = []
        for (index, line) in lines.enumerated() {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("- ") { entries.append((index, nil)) }
            if let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]"), open < close {
                var start = line.index(after: open)
                for (position, character) in line[start...close].enumerated() where [",", "]"].contains(character) {
                    let end = line.index(line.index(after: open), offsetBy: position)
                    entries.append((index, start..<end))
                    start = line.index(after: end)
                }
            }
        }
        guard let entry = entries.randomElement(using: &generator) else { return nil }
        let old = lines[entry.line]
        if let range = entry.range {
            var line = old
            // The entry and the comma after it (or before it, for the last one).
            var upper = range.upperBound
            var lower = range.lowerBound
            if line[upper] == "," {
                upper = line.index(after: upper)
            } else if let comma = line[..<lower].lastIndex(of: ","),
                line[comma...].dropFirst().allSatisfy({ $0 != "[" })
            {
                lower = comma
            }
            line.removeSubrange(lower..<upper)
            lines[entry.line] = line
        } else {
            lines.remove(at: entry.line)
        }
        try write(file, lines)
        return "entryDropped in \(file):\(entry.line + 1): \(old.trimmingCharacters(in: .whitespaces))"
    }

    /// Renames a file and every mention of it in the kustomization file beside it: Flux applies the same.
    private func moveFile(using generator: inout some RandomNumberGenerator) throws -> String? {
        let movable = files.filter { file in
            guard exists(file), !Self.isKustomizationFile(file) else { return false }
            let folder = (file as NSString).deletingLastPathComponent
            return ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains {
                exists((folder as NSString).appendingPathComponent($0))
            }
        }
        guard let file = movable.randomElement(using: &generator) else { return nil }
        let folder = (file as NSString).deletingLastPathComponent
        let name = (file as NSString).lastPathComponent
        let moved = "moved-" + name
        try FileManager.default.moveItem(at: url(file), to: url((folder as NSString).appendingPathComponent(moved)))
        for kustomization in ["kustomization.yaml", "kustomization.yml", "Kustomization"] {
            let path = (folder as NSString).appendingPathComponent(kustomization)
            guard exists(path) else { continue }
            let text = try String(contentsOf: url(path), encoding: .utf8)
            try text.replacingOccurrences(of: name, with: moved).write(to: url(path), atomically: true, encoding: .utf8)
        }
        return "moved \(file) to \(moved)"
    }

    /// Appends one document of a file to another file: a second copy of an object, elsewhere.
    private func copyDocument(using generator: inout some RandomNumberGenerator) throws -> String? {
        let documents = files.filter { exists($0) && !Self.isKustomizationFile($0) }
        guard let from = documents.randomElement(using: &generator),
            let to = documents.randomElement(using: &generator), from != to
        else { return nil }
        let text = try String(contentsOf: url(from), encoding: .utf8)
        let parts = text.components(separatedBy: "\n---").filter { $0.contains("kind:") }
        guard let document = parts.randomElement(using: &generator) else { return nil }
        let target = try String(contentsOf: url(to), encoding: .utf8)
        let joined = target + (target.hasSuffix("\n") ? "" : "\n") + "---\n" + document.trimmingPrefix("\n") + "\n"
        try joined.write(to: url(to), atomically: true, encoding: .utf8)
        return "documentCopied from \(from) to \(to)"
    }

    // MARK: - Lines

    /// `key: value` with a plain scalar value (not a mapping or list opener, not a block scalar).
    private static func scalar(_ line: String) -> Bool {
        guard let colon = line.range(of: ": ") else { return false }
        let key = line[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
        let value = line[colon.upperBound...].trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, !"|>{[&*!#".contains(value.first!), !key.hasPrefix("#") else { return false }
        return !["apiVersion", "kind"].contains(key.trimmingPrefix("- "))
    }

    private static func versionLine(_ line: String) -> Bool {
        keyed("tag", "version", "semver", "digest", "image", "newTag")(line)
    }

    private static func literal(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix("- ") && trimmed.contains("=") && !trimmed.contains(": ")
    }

    private static func keyed(_ keys: String...) -> (String) -> Bool {
        { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces).trimmingPrefix("- ")
            return keys.contains { trimmed.hasPrefix($0 + ":") || trimmed.contains("{" + $0 + ":") }
        }
    }

    /// The line with its value changed the way a bump would: a number up one, a version's last part up
    /// one (or its major), anything else suffixed.
    private static func changed(_ line: String, using generator: inout any RandomNumberGenerator) -> String {
        replacingValue(line) { value in
            if let number = Int(value) { return String(number + 1) }
            var parts = value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count >= 2, let last = Int(parts[parts.count - 1]) {
                if Bool.random(using: &generator), let major = Int(parts[0].trimmingPrefix("v")) {
                    parts[0] = (parts[0].hasPrefix("v") ? "v" : "") + String(major + 1)
                } else {
                    parts[parts.count - 1] = String(last + 1)
                }
                return parts.joined(separator: ".")
            }
            return value + "-changed"
        }
    }

    /// The line with the value after its first `: ` replaced (quotes and a trailing comment kept out).
    private static func replacingValue(_ line: String, _ change: (String) -> String) -> String {
        guard let colon = line.range(of: ": ") else { return line }
        var value = String(line[colon.upperBound...])
        var tail = ""
        if let comment = value.range(of: " #") {
            tail = String(value[comment.lowerBound...])
            value = String(value[..<comment.lowerBound])
        }
        for closer in ["}", "]", ","] where value.contains(closer) {
            let index = value.firstIndex(of: Character(closer))!
            tail = String(value[index...]) + tail
            value = String(value[..<index])
        }
        var quote = ""
        if let first = value.first, first == "\"" || first == "'", value.count >= 2, value.last == first {
            quote = String(first)
            value = String(value.dropFirst().dropLast())
        }
        return String(line[..<colon.upperBound]) + quote + change(value.trimmingCharacters(in: .whitespaces)) + quote
            + tail
    }

    private static func isKustomizationFile(_ file: String) -> Bool {
        ["kustomization.yaml", "kustomization.yml"].contains((file as NSString).lastPathComponent)
    }

    // MARK: - Files

    private func url(_ file: String) -> URL { root.appendingPathComponent(file) }

    private func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: url(file).path) }

    private func read(_ file: String) throws -> [String] {
        try String(contentsOf: url(file), encoding: .utf8).components(separatedBy: "\n")
    }

    private func write(_ file: String, _ lines: [String]) throws {
        try lines.joined(separator: "\n").write(to: url(file), atomically: true, encoding: .utf8)
    }
}
