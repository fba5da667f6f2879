public import Foundation
import Support

/// Why a revision could not be written out.
public enum GitExportError: Error, Sendable, CustomStringConvertible {
    case malformed(String)

    public var description: String {
        switch self {
        case .malformed(let detail): "git returned an entry that cannot be written safely: \(detail)"
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
            guard !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0.lowercased() == ".git" })
            else {
                throw GitExportError.malformed(path)
            }
            entries.append((String(fields[0]), String(fields[2]), path))
        }
        guard !entries.isEmpty else { return }
        let batch = try await runner.checkedRun(
            ProcessInvocation(
                "git", ["-C", repository.path, "cat-file", "--batch"], environment: environment,
                timeout: .seconds(600), standardInput: Data(entries.map { $0.object + "\n" }.joined().utf8))
        ).standardOutput
        var offset = batch.startIndex
        let manager = FileManager.default
        // What this export made: directories (real ones, so no lookups are needed for them) and symlinks
        // (which a later path must never pass through).
        var directories: Set<String> = [""]
        var links: Set<String> = []
        for entry in entries {
            // "<object> blob <size>\n<bytes>\n"
            guard let newline = batch[offset...].firstIndex(of: 0x0A),
                let size = String(decoding: batch[offset..<newline], as: UTF8.self).split(separator: " ").last.flatMap({
                    Int($0)
                }),
                newline + 1 + size <= batch.endIndex
            else { throw GitExportError.malformed(entry.path) }
            let bytes = batch[(newline + 1)..<(newline + 1 + size)]
            offset = newline + 1 + size + 1
            // A crafted tree could name a path twice or through a symlink it also holds: never write through one.
            let steps = entry.path.split(separator: "/").dropLast().map(String.init)
            var walked = ""
            for step in steps {
                walked = walked.isEmpty ? step : walked + "/" + step
                guard !links.contains(walked) else { throw GitExportError.malformed(entry.path) }
                if directories.insert(walked).inserted {
                    try manager.createDirectory(
                        at: directory.appendingPathComponent(walked), withIntermediateDirectories: true)
                }
            }
            let target = directory.appendingPathComponent(entry.path)
            if entry.mode == "120000" {
                guard !directories.contains(entry.path), links.insert(entry.path).inserted else {
                    throw GitExportError.malformed(entry.path)
                }
                try manager.createSymbolicLink(
                    atPath: target.path, withDestinationPath: String(decoding: bytes, as: UTF8.self))
            } else {
                guard Self.create(target.path, bytes: bytes, executable: entry.mode == "100755") else {
                    throw GitExportError.malformed(entry.path)
                }
            }
        }
    }

    /// Writes a new file, refusing one that exists or a symlink in its place (O_EXCL | O_NOFOLLOW), and
    /// without the temporary copy and fsync of an atomic write: the tree is scratch, removed after use.
    private static func create(_ path: String, bytes: Data, executable: Bool) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, executable ? 0o755 : 0o644)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0, errno == EINTR { continue }
                guard result > 0 else { return false }
                written += result
            }
            return true
        }
    }
}
