import Foundation
import Support

/// The directory a build reads: exactly the files its scan listed (the files its cache key hashes), at
/// their paths relative to the source root, and nothing else. kubectl runs inside the kernel wall with
/// read access to this directory only, so a file the scan did not list is absent ("no such file"),
/// never read from the source tree, and the key is exact by construction.
enum BuildView {
    struct Refused: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(Inert.line(path)) is not a regular file inside the source root; it is not put in the build" }
    }

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
            let parent = (file as NSString).deletingLastPathComponent
            if !parent.isEmpty { try directory(parent) }
            let target = view.appendingPathComponent(file).path
            if link(original, target) != 0 {
                try manager.copyItem(atPath: original, toPath: target)
            }
        }
        return view
    }
}
