import Crypto
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
            guard FileKind.at(original) == .regular, let real = realpath(original, nil) else {
                throw Refused(path: file)
            }
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
        guard Int(status.st_size) <= fileLimit else {
            throw Refused(path: path, reason: "is larger than \(fileLimit >> 20) MiB")
        }
        guard
            path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json")
                || ManifestLoader.kustomizationFileNames.contains((path as NSString).lastPathComponent),
            let data = FileManager.default.contents(atPath: absolute)
        else { return }
        // Only a file with an anchor can expand, and only one with many brackets nest deep: the others are not parsed twice.
        let (anchors, brackets) = data.withUnsafeBytes { bytes -> (Bool, Int) in
            var anchor = false
            var count = 0
            for byte in bytes.bindMemory(to: UInt8.self) {
                if byte == 0x26 { anchor = true } else if byte == 0x5B || byte == 0x7B { count += 1 }
            }
            return (anchor, count)
        }
        guard anchors || brackets > 256 else { return }
        do {
            _ = try YAMLDocumentReader.documents(in: String(decoding: data, as: UTF8.self))
        } catch {
            if error.message.contains("aliases expand") || error.message.contains("nested deeper") {
                throw Refused(
                    path: path, reason: "at \(error.position.line):\(error.position.column): \(error.message)")
            }
        }
    }

    /// Where a fetched remote file lives in the view: its own directory (named by the URL's hash), under
    /// the URL's own file name, which kustomize uses as a generator's default key.
    static func remotePath(_ url: String) -> String {
        let name = URL(string: url)?.lastPathComponent.filter { $0 != "/" } ?? ""
        let hash = SHA256.hash(data: Data(url.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        return "_remote/\(hash)/" + (name.isEmpty || name == ".." || name == "." ? "file" : name)
    }

    /// Puts the fetched files in the view and points the kustomizations that list them there: each
    /// such kustomization is written as JSON (the scan refused anything JSON cannot say the same way),
    /// with every URL it lists replaced by the file's relative path.
    static func place(_ fetched: [String: Data], for remote: [RemoteFile], in view: URL) throws {
        guard !remote.isEmpty else { return }
        for (url, data) in fetched {
            let target = view.appendingPathComponent(remotePath(url))
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
        }
        for kustomization in Set(remote.map(\.listedIn)).sorted() {
            let file = view.appendingPathComponent(kustomization)
            let depth = kustomization.split(separator: "/").count - 1
            guard let text = try? String(contentsOf: file, encoding: .utf8),
                let document = try YAMLDocumentReader.documents(in: text).first,
                let object = try JSONSerialization.jsonObject(with: Data(document.jsonText().utf8)) as? [String: Any]
            else {
                throw Refused(path: kustomization, reason: "cannot be read to point it at its fetched files")
            }
            func swap(_ value: Any) -> Any {
                switch value {
                case let text as String:
                    for url in fetched.keys {
                        let local = String(repeating: "../", count: depth) + remotePath(url)
                        if text == url { return local }
                        if text.hasSuffix("=" + url) { return String(text.dropLast(url.count)) + local }
                    }
                    return text
                case let list as [Any]: return list.map(swap)
                case let map as [String: Any]: return map.mapValues(swap)
                default: return value
                }
            }
            try FileManager.default.removeItem(at: file)
            try JSONSerialization.data(withJSONObject: swap(object), options: [.sortedKeys, .withoutEscapingSlashes])
                .write(to: file)
        }
    }
}
