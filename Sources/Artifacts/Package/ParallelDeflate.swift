import CZlib
import Dispatch
import Foundation

/// Deflate on every core, the way pigz does it, with bytes that do not depend on how many cores ran.
///
/// The input is cut into blocks of `blockSize` bytes (the last may be shorter). Each block is
/// compressed on its own at level 6, primed with the previous block's last 32 KiB as its dictionary
/// (so matches still reach back across the cut), and ends with a sync flush: an empty stored block
/// that leaves the output byte-aligned, so the pieces join into one raw deflate stream. The last
/// block ends the stream instead. What comes out is a function of the input and these fixed
/// parameters only; the workers only decide when.
final class ParallelDeflate {
    /// Fixed by the format: changing it changes every artifact's bytes and digest.
    static let blockSize = 128 << 10
    static let dictionarySize = 32 << 10

    private let emit: ([UInt8]) throws -> Void
    private let queue = DispatchQueue(label: "lockmaster.deflate", attributes: .concurrent)
    private let workers: Int
    /// Blocks handed to the workers, oldest first; at most `2 × workers` at once, so memory stays small.
    private var pending: [Piece] = []
    private var dictionary: [UInt8] = []

    /// One block's output, written by one worker and read by the caller after `done` is signalled.
    private final class Piece: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var output: [UInt8] = []
        var status: Int32 = Z_OK
    }

    /// - Parameters:
    ///   - workers: blocks compressed at once (the machine's cores by default).
    ///   - emit: receives the compressed stream in order.
    init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, emit: @escaping ([UInt8]) throws -> Void) {
        self.workers = max(1, workers)
        self.emit = emit
    }

    /// Compresses one block: `blockSize` bytes, or fewer for the last one (`last`), which ends the stream.
    func submit(_ block: [UInt8], last: Bool) throws {
        while pending.count >= workers * 2 { try drainOne() }
        let piece = Piece()
        let dictionary = self.dictionary
        self.dictionary =
            block.count >= Self.dictionarySize
            ? Array(block.suffix(Self.dictionarySize))
            : Array((dictionary + block).suffix(Self.dictionarySize))
        pending.append(piece)
        queue.async {
            (piece.output, piece.status) = Self.compress(block, dictionary: dictionary, last: last)
            piece.done.signal()
        }
    }

    /// Waits for every block and emits the rest of the stream.
    func finish() throws {
        while !pending.isEmpty { try drainOne() }
    }

    private func drainOne() throws {
        let piece = pending.removeFirst()
        piece.done.wait()
        guard piece.status == Z_OK else { throw PackageError.compression("deflate failed with \(piece.status)") }
        try emit(piece.output)
    }

    /// One block as raw deflate: level 6, window 32 KiB, primed with `dictionary`, ended by a sync
    /// flush (or by the end of the stream when `last`).
    static func compress(_ block: [UInt8], dictionary: [UInt8], last: Bool) -> (output: [UInt8], status: Int32) {
        var stream = z_stream()
        var status = deflateInit2_(
            &stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { return ([], status) }
        defer { deflateEnd(&stream) }
        if !dictionary.isEmpty {
            status = dictionary.withUnsafeBufferPointer {
                deflateSetDictionary(&stream, $0.baseAddress, uInt($0.count))
            }
            guard status == Z_OK else { return ([], status) }
        }
        // deflateBound covers the block; the flush marker and a final block add a few bytes more.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(block.count))) + 64)
        let produced: Int = block.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                status = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
                return out.count - Int(stream.avail_out)
            }
        }
        let expected = last ? Z_STREAM_END : Z_OK
        guard status == expected, stream.avail_in == 0 else { return ([], status == expected ? Z_BUF_ERROR : status) }
        output.removeSubrange(produced...)
        return (output, Z_OK)
    }
}
