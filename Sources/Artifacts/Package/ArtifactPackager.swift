public import Foundation

/// What `ArtifactPackager` produced.
public struct PackageResult: Sendable, Equatable, Codable {
    /// `sha256:…` of the `.tgz`: the OCI layer digest.
    public var digest: String
    /// Size of the `.tgz` in bytes.
    public var size: UInt64
    /// `sha256:…` of the uncompressed tar (the image config's diff ID).
    public var uncompressedDigest: String
    public var files: Int
    public var directories: Int
}

/// Builds the platform artifact: the repository root filtered to the platform paths, as
/// `flux push artifact --path=. --ignore-paths='*,!/platform/**'` would, but reproducible — entries
/// in Flux's walk order, modes normalised (0644, 0755 for executables and directories), owners and
/// times zeroed — so the digest depends on content only. File contents are streamed, never held.
public struct ArtifactPackager: Sendable {
    public var root: URL
    /// Repository-relative directories that make up the platform, e.g. `["platform"]`.
    public var platformPaths: [String]
    /// Extra gitignore-style patterns (from lockmaster.yaml), applied after `.sourceignore` files.
    public var ignorePatterns: [String]
    /// Repository-relative files to leave out whatever the patterns say (e.g. files git ignores).
    public var excludedFiles: Set<String>
    /// Follow symbolic links that stay inside the repository instead of refusing them.
    public var followSymlinks: Bool
    /// Blocks compressed at once (the machine's cores by default); the bytes are the same for any number.
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public init(
        root: URL, platformPaths: [String], ignorePatterns: [String] = [], excludedFiles: Set<String> = [],
        followSymlinks: Bool = false
    ) {
        self.root = root.standardizedFileURL.resolvingSymlinksInPath()
        self.platformPaths = platformPaths
        self.ignorePatterns = ignorePatterns
        self.excludedFiles = excludedFiles
        self.followSymlinks = followSymlinks
    }

    /// An entry to archive, in order.
    struct Entry {
        var name: String
        var source: URL?
        var isDirectory: Bool
        var executable: Bool
        var size: UInt64
    }

    /// Packages into `sink`.
    /// - Throws: `PackageError`; a partial stream may have reached the sink.
    public func package<Sink: ByteSink>(into sink: Sink) throws -> PackageResult {
        let entries = try collectEntries()
        let gzip = try GzipWriter(sink: sink, workers: workers)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        for entry in entries {
            try gzip.write(
                try TarHeader.blocks(
                    name: entry.name, kind: entry.isDirectory ? .directory : .file,
                    mode: entry.isDirectory || entry.executable ? 0o755 : 0o644, size: entry.size))
            guard let source = entry.source, !entry.isDirectory else { continue }
            let written = try copy(source, name: entry.name, into: gzip, buffer: &buffer)
            guard written == entry.size else {
                throw PackageError.unreadable(path: entry.name, reason: "it changed size while being packaged")
            }
            try gzip.write(TarHeader.padding(Int(written % UInt64(TarHeader.blockSize))))
        }
        try gzip.write([UInt8](repeating: 0, count: TarHeader.blockSize * 2))
        let (digest, size, uncompressed) = try gzip.finish()
        let files = entries.filter { !$0.isDirectory }.count
        return PackageResult(
            digest: digest, size: size, uncompressedDigest: uncompressed, files: files,
            directories: entries.count - files)
    }

    /// Packages into the file at `url`, atomically: a temporary file in the same directory is renamed into place.
    public func package(to url: URL) throws -> PackageResult {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString)")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o644]),
            let handle = FileHandle(forWritingAtPath: temporary.path)
        else {
            throw PackageError.cannotWrite(
                path: url.path, reason: "cannot create a file in \(url.deletingLastPathComponent().path)")
        }
        do {
            let sink = FileSink(handle: handle)
            let result = try package(into: sink)
            try sink.flush()
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw PackageError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
            }
            return result
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? PackageError { throw error }
            throw PackageError.cannotWrite(path: url.path, reason: "\(error)")
        }
    }

    private func copy<Sink: ByteSink>(_ url: URL, name: String, into gzip: GzipWriter<Sink>, buffer: inout [UInt8])
        throws -> UInt64
    {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw PackageError.unreadable(path: name, reason: String(cString: strerror(errno)).lowercased())
        }
        defer { close(fd) }
        var total: UInt64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw PackageError.unreadable(path: name, reason: String(cString: strerror(errno)).lowercased())
            }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try gzip.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            total += UInt64(count)
        }
        return total
    }
}
