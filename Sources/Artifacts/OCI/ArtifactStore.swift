public import Foundation

/// A manifest as fetched, with the digest it was verified against.
public struct FetchedManifest: Sendable, Equatable {
    public var data: Data
    public var digest: String
    public var mediaType: String?
}

/// Where artifacts are published and resolved: a registry (`RegistryClient`) or an OCI image layout
/// directory (`OCILayoutStore`). `publish` and `resolve` work the same on both.
public protocol ArtifactStore: Sendable {
    /// `oci://host/repo` or the layout directory, for messages.
    var location: String { get }
    /// Every tag, in the order the store lists them; empty when the repository does not exist yet.
    func listTags() async throws -> [String]
    func blobExists(_ digest: String) async throws -> Bool
    /// Uploads a blob from a file; returns the bytes sent (0 when it was already there).
    /// `progress` is told the bytes sent so far as the upload goes.
    func uploadBlob(from file: URL, digest: String, size: UInt64, progress: UploadProgress?) async throws -> UInt64
    /// Uploads a small blob held in memory; returns the bytes sent.
    func uploadBlob(_ data: Data, digest: String) async throws -> UInt64
    /// A blob's bytes, verified; `size` (the descriptor's) bounds what is read: a larger blob is an error.
    func blob(_ digest: String, size: UInt64?) async throws -> Data
    /// Stores `manifest` under `tag`; returns the manifest digest the store reports (verified).
    func putManifest(_ manifest: Data, mediaType: String, tag: String) async throws -> String
    /// The manifest at a tag or digest; nil when there is none.
    func manifest(_ reference: String) async throws -> FetchedManifest?
    /// The manifest digest at a tag, without fetching the body where the store allows; nil when absent.
    func manifestDigest(_ reference: String) async throws -> String?
}

/// Told the number of bytes of a blob sent so far.
public typealias UploadProgress = @Sendable (UInt64) -> Void

extension ArtifactStore {
    /// A blob of no announced size (still bounded by the store).
    public func blob(_ digest: String) async throws -> Data { try await blob(digest, size: nil) }

    public func uploadBlob(from file: URL, digest: String, size: UInt64) async throws -> UInt64 {
        try await uploadBlob(from: file, digest: digest, size: size, progress: nil)
    }
}
