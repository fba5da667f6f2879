import Foundation
import Manifests

/// One Flux Kustomization to build: its path in a source tree, its spec (nil for the entry), and what
/// the build reads (scanned once per wave: it confines the build and keys its reuse).
struct BuildJob: Sendable {
    var kustomization: KustomizationID
    var tree: URL
    var path: String
    var spec: YAMLNode?
    /// Files to build as if they were in the tree (what flux bootstrap will write).
    var overlay: [String: Data] = [:]
    var inputs = BuildInputs()
    /// The remote files the build reads, fetched by Lockmaster (`--allow-remote`), by URL.
    var fetched: [String: Data] = [:]
}
