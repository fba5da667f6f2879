public import Foundation

/// Where packaged bytes go: a file, or nowhere (only the digest is wanted).
public protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Discards the bytes.
public struct DiscardingSink: ByteSink {
    public init() {}
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {}
}

/// Appends to an open file, through a 1 MiB buffer.
public final class FileSink: ByteSink {
    private let handle: FileHandle
    private var buffer = Data()

    public init(handle: FileHandle) {
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
