import Foundation
import Manifests
import Support

/// The directory a build reads: exactly the files its scan listed (the files its cache key hashes), at
/// their paths relative to the source root, and nothing else. kubectl runs inside the kernel wall with
/// read access to this directory only, so a file the scan did not list is absent ("no such file"),
/// never read from the source tree, and the key is exact by construction.
enum BuildView {
    struct Refused: Error, CustomStringConvertible {
        var path: String
        var reason = "is not a regular file inside the source root"
        var description: String { "\(Inert.line(path)) \(reason); it is not put in the build" }
    }

    /// The largest file a build may read (what `status` reads of a manifest too).
    static let fileLimit = 16 << 20

    /// Makes `scratch/view` from `files` of `source` (hard links where the file system allows, copies
    /// otherwise) and the build's own `directories`, and returns it.
    static func make(from source: URL, files: [String], directories: [String], in scratch: URL) throws -> URL {
        let view = scratch.appendingPathComponent("view")
        let manager = FileManager.default
        try manager.createDirectory(at: view, withIntermediateDirectories: true)
        let root = source.resolvingSymlinksInPath().standardizedFileURL.path
        var made: Set<String> = [""]
        func directory(_ relative: String) throws {
            guard !made.contains(relative) else { return }
            try manager.createDirectory(at: view.appendingPathComponent(relative), withIntermediateDirectories: true)
            made.insert(relative)
        }
        for path in directories where !path.isEmpty { try directory(path) }
        for file in files {
            let original = root + "/" + file
            // The scan walked no symlink; this holds it to that: the file's real path is where it says.
            guard FileKind.at(original) == .regular, let real = realpath(original, nil) else { throw Refused(path: file) }
            let resolved = String(cString: real)
            free(real)
            guard resolved == original else { throw Refused(path: file) }
            try checkBeforeKubectl(original, path: file)
            let parent = (file as NSString).deletingLastPathComponent
            if !parent.isEmpty { try directory(parent) }
            let target = view.appendingPathComponent(file).path
            if link(original, target) != 0 {
                try manager.copyItem(atPath: original, toPath: target)
            }
        }
        return view
    }

    /// What kubectl's YAML reader must not be handed: a file past the size bound, or one whose aliases
    /// expand past the node budget or that nests too deep (Lockmaster's reader refuses both first).
    private static func checkBeforeKubectl(_ absolute: String, path: String) throws {
        var status = stat()
        guard stat(absolute, &status) == 0 else { throw Refused(path: path) }
        guard Int(status.st_size) <= fileLimit else { throw Refused(path: path, reason: "is larger than \(fileLimit >> 20) MiB") }
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json") || ManifestLoader.kustomizationFileNames.contains((path as NSString).lastPathComponent),
              let data = FileManager.default.contents(atPath: absolute) else { return }
        // Only a file with an anchor can expand, and only one with many brackets nest deep: the others are not parsed twice.
        let brackets = data.reduce(0) { $0 + ($1 == UInt8(ascii: "[") || $1 == UInt8(ascii: "{") ? 1 : 0) }
        guard data.contains(UInt8(ascii: "&")) || brackets > 256 else { return }
        do {
            _ = try YAMLDocumentReader.documents(in: String(decoding: data, as: UTF8.self))
        } catch {
            if error.message.contains("aliases expand") || error.message.contains("nested deeper") {
                throw Refused(path: path, reason: "at \(error.position.line):\(error.position.column): \(error.message)")
            }
        }
    }
}
