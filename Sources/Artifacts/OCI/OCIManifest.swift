public import Foundation
import Support

/// Media types and annotation keys of a Flux OCI artifact (FLUX.md §1.6).
public enum FluxArtifact {
    public static let manifestMediaType = "application/vnd.oci.image.manifest.v1+json"
    public static let configMediaType = "application/vnd.cncf.flux.config.v1+json"
    public static let layerMediaType = "application/vnd.cncf.flux.content.v1.tar+gzip"
    public static let createdAnnotation = "org.opencontainers.image.created"
    public static let sourceAnnotation = "org.opencontainers.image.source"
    public static let revisionAnnotation = "org.opencontainers.image.revision"
}

/// A content descriptor: media type, digest and size.
public struct OCIDescriptor: Sendable, Hashable, Codable {
    public var mediaType: String
    public var digest: String
    public var size: UInt64
    public var annotations: [String: String]?

    public init(mediaType: String, digest: String, size: UInt64, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
    }
}

/// An OCI image manifest as Flux pushes it: one config, layers, annotations, no artifactType.
public struct OCIManifest: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var config: OCIDescriptor
    public var layers: [OCIDescriptor]
    public var annotations: [String: String]?

    public init(config: OCIDescriptor, layers: [OCIDescriptor], annotations: [String: String]) {
        schemaVersion = 2
        mediaType = FluxArtifact.manifestMediaType
        self.config = config
        self.layers = layers
        self.annotations = annotations
    }

    /// The bytes Go's `encoding/json` writes for ggcr's `v1.Manifest`: compact, fields in declaration
    /// order (`schemaVersion, mediaType, config, layers, annotations`), map keys sorted, `<>&` escaped.
    public func canonicalJSON() -> Data {
        var out = "{\"schemaVersion\":\(schemaVersion)"
        if let mediaType { out += ",\"mediaType\":" + GoJSON.string(mediaType) }
        out += ",\"config\":" + GoJSON.descriptor(config)
        out += ",\"layers\":[" + layers.map(GoJSON.descriptor).joined(separator: ",") + "]"
        if let annotations, !annotations.isEmpty { out += ",\"annotations\":" + GoJSON.map(annotations) }
        return Data((out + "}").utf8)
    }

    /// Reads a manifest; nil when the bytes are not one.
    public static func decode(_ data: Data) -> OCIManifest? {
        try? JSONDecoder().decode(OCIManifest.self, from: data)
    }
}

/// JSON text exactly as Go's `encoding/json` writes it for the types Lockmaster emits.
enum GoJSON {
    static func string(_ value: String) -> String { JSONText.quoted(value, escapingHTML: true) }

    static func map(_ values: [String: String]) -> String {
        "{" + values.keys.sorted().map { string($0) + ":" + string(values[$0]!) }.joined(separator: ",") + "}"
    }

    static func descriptor(_ descriptor: OCIDescriptor) -> String {
        var out =
            "{\"mediaType\":\(string(descriptor.mediaType)),\"size\":\(descriptor.size),\"digest\":\(string(descriptor.digest))"
        if let annotations = descriptor.annotations, !annotations.isEmpty {
            out += ",\"annotations\":" + map(annotations)
        }
        return out + "}"
    }
}
