import CZlib
import Crypto
import Foundation

/// Gzip with a fixed header (no name, mtime 0, OS 255 as Go writes it) around level-6 deflate done on
/// every core (`ParallelDeflate`, whose bytes do not depend on the core count), hashing what goes in
/// (the tar) and what comes out (the layer) as it streams.
final class GzipWriter<Sink: ByteSink> {
    private var sink: Sink
    private var crc: uLong = crc32(0, nil, 0)
    private var inputSize: UInt64 = 0
    private(set) var outputSize: UInt64 = 0
    private var compressedHash = SHA256()
    private var uncompressedHash = SHA256()
    /// The block being filled.
    private var block: [UInt8] = []
    private var deflater: ParallelDeflate!

    init(sink: Sink, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.sink = sink
        block.reserveCapacity(ParallelDeflate.blockSize)
        deflater = ParallelDeflate(workers: workers) { [unowned self] bytes in try self.emit(bytes) }
        try emit([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF])
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        uncompressedHash.update(bufferPointer: bytes)
        crc = crc32(crc, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
        inputSize += UInt64(bytes.count)
        var rest = UnsafeRawBufferPointer(rebasing: bytes[...])
        while !rest.isEmpty {
            // A full block goes to the workers only once more input shows it is not the last one.
            if block.count == ParallelDeflate.blockSize {
                try deflater.submit(block, last: false)
                block.removeAll(keepingCapacity: true)
            }
            let take = min(rest.count, ParallelDeflate.blockSize - block.count)
            block.append(contentsOf: rest.prefix(take))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Ends the stream and returns the layer digest (`sha256:…`), its size and the tar's digest.
    func finish() throws -> (digest: String, size: UInt64, uncompressedDigest: String) {
        try deflater.submit(block, last: true)
        block = []
        try deflater.finish()
        var trailer = [UInt8]()
        for value in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: inputSize)] {
            trailer += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
        }
        try emit(trailer)
        return (Self.hex(compressedHash.finalize()), outputSize, Self.hex(uncompressedHash.finalize()))
    }

    private func emit(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            compressedHash.update(bufferPointer: raw)
            try sink.write(raw)
        }
        outputSize += UInt64(bytes.count)
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        "sha256:" + digest.map { String(format: "%02x", $0) }.joined()
    }
}
