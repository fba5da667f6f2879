import CZlib
import Crypto
import Foundation

/// Gzip with a fixed header (no name, mtime 0, OS 255 as Go writes it) around zlib's level-6 deflate,
/// hashing what goes in (the tar) and what comes out (the layer) as it streams.
final class GzipWriter<Sink: ByteSink> {
    private var sink: Sink
    /// On the heap: zlib keeps a pointer back to its z_stream and rejects a moved one.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var crc: uLong = crc32(0, nil, 0)
    private var inputSize: UInt64 = 0
    private(set) var outputSize: UInt64 = 0
    private var compressedHash = SHA256()
    private var uncompressedHash = SHA256()
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    private var ended = false

    init(sink: Sink) throws {
        self.sink = sink
        stream.initialize(to: z_stream())
        // Raw deflate (negative window bits): the gzip framing is written here, byte for byte.
        let status = deflateInit2_(stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw PackageError.compression("deflateInit2 failed with \(status)")
        }
        let header: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF]
        try emit(header)
    }

    deinit {
        if !ended { deflateEnd(stream) }
        stream.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        uncompressedHash.update(bufferPointer: bytes)
        crc = crc32(crc, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
        inputSize += UInt64(bytes.count)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(bytes.count)
        try pump(flush: Z_NO_FLUSH)
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Ends the stream and returns the layer digest (`sha256:…`), its size and the tar's digest.
    func finish() throws -> (digest: String, size: UInt64, uncompressedDigest: String) {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try pump(flush: Z_FINISH)
        ended = true
        deflateEnd(stream)
        var trailer = [UInt8]()
        for value in [UInt32(truncatingIfNeeded: crc), UInt32(truncatingIfNeeded: inputSize)] {
            trailer += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
        }
        try emit(trailer)
        return (Self.hex(compressedHash.finalize()), outputSize, Self.hex(uncompressedHash.finalize()))
    }

    private func pump(flush: Int32) throws {
        repeat {
            let produced: Int = try output.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                let status = deflate(stream, flush)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw PackageError.compression("deflate failed with \(status)")
                }
                return buffer.count - Int(stream.pointee.avail_out)
            }
            if produced > 0 { try emit(Array(output[0..<produced])) }
            if flush == Z_FINISH, stream.pointee.avail_out != 0 { break }
        } while stream.pointee.avail_out == 0 || (flush == Z_NO_FLUSH && stream.pointee.avail_in > 0)
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
