public import Foundation
import Support

/// Why a revision could not be written out.
public enum GitExportError: Error, Sendable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case let .malformed(detail): "git returned an entry that cannot be written safely: \(detail)"
        }
    }
}

extension ProcessGitClient {
    /// `git ls-tree` names every tracked entry with its mode; `git cat-file --batch` gives the bytes.
    /// Neither applies `.gitattributes` (export-ignore, filters), unlike `git archive`.
    public func export(_ ref: String, to directory: URL, in repository: URL) async throws {
        let listing = try await git(["ls-tree", "-r", "-z", "--full-tree", Self.revision(ref)], in: repository).stdout
        var entries: [(mode: String, object: String, path: String)] = []
        for record in listing.split(separator: "\0") {
            guard let tab = record.firstIndex(of: "\t") else { throw GitExportError.malformed(String(record)) }
            let fields = record[..<tab].split(separator: " ")
            guard fields.count == 3 else { throw GitExportError.malformed(String(record)) }
            let path = String(record[record.index(after: tab)...])
            // Submodules (160000) are not in Flux's clone of this repository either.
            guard fields[1] == "blob" else { continue }
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0.lowercased() == ".git" }) else {
                throw GitExportError.malformed(path)
            }
            entries.append((String(fields[0]), String(fields[2]), path))
        }
        guard !entries.isEmpty else { return }
        let batch = try await runner.checkedRun(ProcessInvocation(
            "git", ["-C", repository.path, "cat-file", "--batch"], environment: environment,
            timeout: .seconds(600), standardInput: Data(entries.map { $0.object + "\n" }.joined().utf8))).standardOutput
        var offset = batch.startIndex
        let manager = FileManager.default
        for entry in entries {
            // "<object> blob <size>\n<bytes>\n"
            guard let newline = batch[offset...].firstIndex(of: 0x0A),
                  let size = String(decoding: batch[offset..<newline], as: UTF8.self).split(separator: " ").last.flatMap({ Int($0) }),
                  newline + 1 + size <= batch.endIndex else { throw GitExportError.malformed(entry.path) }
            let bytes = batch[(newline + 1)..<(newline + 1 + size)]
            offset = newline + 1 + size + 1
            let target = directory.appendingPathComponent(entry.path)
            let parent = target.deletingLastPathComponent()
            // A crafted tree could name a path twice or through a symlink it also holds: never write through one.
            var walked = directory
            for component in entry.path.split(separator: "/").dropLast() {
                walked.appendPathComponent(String(component))
                if (try? manager.attributesOfItem(atPath: walked.path)[.type] as? FileAttributeType) == .typeSymbolicLink {
                    throw GitExportError.malformed(entry.path)
                }
            }
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            guard (try? manager.attributesOfItem(atPath: target.path)) == nil else { throw GitExportError.malformed(entry.path) }
            if entry.mode == "120000" {
                try manager.createSymbolicLink(atPath: target.path, withDestinationPath: String(decoding: bytes, as: UTF8.self))
            } else {
                try Data(bytes).write(to: target)
                if entry.mode == "100755" { try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path) }
            }
        }
    }
}
