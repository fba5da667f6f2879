public import Support

/// Why a scalar edit was refused. The file is never written when one of these is thrown.
public enum ScalarEditError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidYAML(SourceLocation, message: String)
    case noMatchingDocument(path: String, selector: String)
    case multipleMatchingDocuments(path: String, selector: String, locations: [SourceLocation])
    case keyMissing(SourceLocation, key: String)
    case parentMissing(SourceLocation, key: String)
    case notAScalar(SourceLocation, key: String)
    case alias(SourceLocation, key: String)
    case blockScalar(SourceLocation, key: String)
    case multiline(SourceLocation, key: String)
    case cannotInsert(SourceLocation, key: String, reason: String)
    case unsafe(SourceLocation, key: String, reason: String)
    case unsupportedLineBreaks(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .invalidYAML(let location, let message):
            return "\(location): invalid YAML: \(message); fix the file before editing it"
        case .noMatchingDocument(let path, let selector):
            return "\(path): no document is \(selector)"
        case .multipleMatchingDocuments(let path, let selector, let locations):
            let lines = locations.map { "line \($0.line)" }.joined(separator: ", ")
            return "\(path): \(selector) is declared more than once (\(lines)); keep one, or name the namespace"
        case .keyMissing(let location, let key):
            return "\(location): \(key) is not set; add it by hand, or ask for it to be created"
        case .parentMissing(let location, let key):
            return "\(location): cannot create \(key) because its parent mapping does not exist; add it by hand"
        case .notAScalar(let location, let key):
            return "\(location): \(key) is a mapping or a list, not a single value"
        case .alias(let location, let key):
            return
                "\(location): \(key) is an alias (*name) of a value defined elsewhere; edit the anchored value instead"
        case .blockScalar(let location, let key):
            return "\(location): \(key) is a block scalar (| or >); edit it by hand"
        case .multiline(let location, let key):
            return "\(location): \(key) spans several lines; put it on one line first"
        case .cannotInsert(let location, let key, let reason):
            return "\(location): cannot add \(key): \(reason); add it by hand"
        case .unsafe(let location, let key, let reason):
            return "\(location): refusing to change \(key): \(reason)"
        case .unsupportedLineBreaks(let path):
            return
                "\(path): uses bare carriage returns or Unicode line separators as line breaks; convert them to \\n or \\r\\n"
        }
    }
}
