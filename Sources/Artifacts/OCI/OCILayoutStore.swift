public import Foundation
import Support

/// Why a layout directory could not be used.
public enum OCILayoutError: Error, Sendable, Equatable, CustomStringConvertible {
    case notALayout(String)
    case corrupt(path: String, reason: String)
    case missingBlob(String)
    case digestMismatch(expected: String, actual: String)

    public var description: String {
        switch self {
        case .notALayout(let path):
            return
                "\(path) is not an OCI image layout (no oci-layout file) and is not empty; choose an empty or new directory"
        case .corrupt(let path, let reason):
            return "\(path) is not a valid OCI image layout: \(reason)"
        case .missingBlob(let digest):
            return "blob \(digest) is not in the layout"
        case .digestMismatch(let expected, let actual):
            return "content does not match its digest: expected \(expected), got \(actual)"
        }
    }
}

/// An OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`), tags kept as
/// `org.opencontainers.image.ref.name` annotations in the index. Every write is atomic.
public struct OCILayoutStore: ArtifactStore {
    public let root: URL
    public var location: String { root.path }
    static let refName = "org.opencontainers.image.ref.name"

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    struct Index: Codable {
        var schemaVersion = 2
        var mediaType: String? = "application/vnd.oci.image.index.v1+json"
        var manifests: [OCIDescriptor] = []
    }

    private var indexURL: URL { root.appendingPathComponent("index.json") }

    private func blobURL(_ digest: String) -> URL {
        root.appendingPathComponent("blobs/sha256/\(digest.dropFirst("sha256:".count))")
    }

    private func readIndex() throws -> Index {
        let manager = FileManager.default
        guard manager.fileExists(atPath: root.appendingPathComponent("oci-layout").path) else {
            let contents = (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
            if contents.isEmpty { return Index() }
            throw OCILayoutError.notALayout(root.path)
        }
        guard let data = manager.contents(atPath: indexURL.path) else { return Index() }
        do { return try JSONDecoder().decode(Index.self, from: data) } catch {
            throw OCILayoutError.corrupt(path: indexURL.path, reason: "index.json cannot be read: \(error)")
        }
    }

    /// Creates the layout skeleton when the directory is new or empty.
    private func prepare() throws {
        _ = try readIndex()
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        let layout = root.appendingPathComponent("oci-layout")
        if !FileManager.default.fileExists(atPath: layout.path) {
            try AtomicFile.write(Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8), to: layout)
        }
    }

    public func listTags() async throws -> [String] {
        try readIndex().manifests.compactMap { $0.annotations?[Self.refName] }
    }

    public func blobExists(_ digest: String) async throws -> Bool {
        FileManager.default.fileExists(atPath: blobURL(digest).path)
    }

    public func uploadBlob(from file: URL, digest: String, size: UInt64, progress: UploadProgress?) async throws
        -> UInt64
    {
        if try await blobExists(digest) { return 0 }
        try prepare()
        let actual = try SHA256Hasher.hash(file: file)
        guard actual == digest else { throw OCILayoutError.digestMismatch(expected: digest, actual: actual) }
        let target = blobURL(digest)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".upload-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: file, to: temporary)
        guard rename(temporary.path, target.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw OCILayoutError.corrupt(path: target.path, reason: String(cString: strerror(errno)))
        }
        progress?(size)
        return size
    }

    public func uploadBlob(_ data: Data, digest: String) async throws -> UInt64 {
        if try await blobExists(digest) { return 0 }
        let actual = Digest.sha256(data)
        guard actual == digest else { throw OCILayoutError.digestMismatch(expected: digest, actual: actual) }
        try prepare()
        try AtomicFile.write(data, to: blobURL(digest))
        return UInt64(data.count)
    }

    public func blob(_ digest: String, size: UInt64?) async throws -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: blobURL(digest).path)
        if let size, let actual = attributes?[.size] as? UInt64, actual > size {
            throw RegistryError.tooLarge(what: "blob \(digest)", limit: Int(clamping: size))
        }
        guard let data = FileManager.default.contents(atPath: blobURL(digest).path) else {
            throw OCILayoutError.missingBlob(digest)
        }
        let actual = Digest.sha256(data)
        guard actual == digest else { throw OCILayoutError.digestMismatch(expected: digest, actual: actual) }
        return data
    }

    public func putManifest(_ manifest: Data, mediaType: String, tag: String) async throws -> String {
        let digest = Digest.sha256(manifest)
        _ = try await uploadBlob(manifest, digest: digest)
        var index = try readIndex()
        index.manifests.removeAll { $0.annotations?[Self.refName] == tag }
        index.manifests.append(
            OCIDescriptor(
                mediaType: mediaType, digest: digest, size: UInt64(manifest.count),
                annotations: [Self.refName: tag]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(index), to: indexURL)
        return digest
    }

    public func manifest(_ reference: String) async throws -> FetchedManifest? {
        guard let descriptor = try descriptor(reference) else { return nil }
        if descriptor.size > UInt64(RegistryClient.maximumManifest) {
            throw RegistryError.tooLarge(what: "the manifest \(reference)", limit: RegistryClient.maximumManifest)
        }
        return FetchedManifest(
            data: try await blob(descriptor.digest, size: descriptor.size), digest: descriptor.digest,
            mediaType: descriptor.mediaType)
    }

    public func manifestDigest(_ reference: String) async throws -> String? {
        try descriptor(reference)?.digest
    }

    private func descriptor(_ reference: String) throws -> OCIDescriptor? {
        let manifests = try readIndex().manifests
        if Digest.isValid(reference) { return manifests.first { $0.digest == reference } }
        return manifests.last { $0.annotations?[Self.refName] == reference }
    }
}
