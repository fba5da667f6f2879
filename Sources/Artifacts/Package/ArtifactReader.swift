import CZlib
public import Foundation

/// Reads the files out of a `.tgz` artifact in memory: gunzip with zlib, then tar (USTAR, with PAX
/// `path` records and GNU long names). Only regular files are returned; links and devices are skipped.
public enum ArtifactReader {
    public struct File: Sendable, Equatable {
        public var path: String
        public var data: Data
    }

    public enum ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        case notGzip
        case corrupt(String)
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .notGzip: return "the artifact layer is not gzip data"
            case .corrupt(let reason): return "the artifact layer is damaged: \(reason)"
            case .tooLarge(let limit):
                return
                    "the artifact layer inflates to more than \(limit >> 20) MiB; it was not read further (artifactSizeLimitMiB in lockmaster.yaml raises the limit)"
            }
        }
    }

    /// - Parameter limit: refuse to inflate beyond this many bytes (a guard against gzip bombs).
    public static func files(in tgz: Data, limit: Int = 512 << 20) throws(ReadError) -> [File] {
        try untar(try gunzip(tgz, limit: limit))
    }

    static func gunzip(_ data: Data, limit: Int) throws(ReadError) -> Data {
        guard data.count >= 2, data[data.startIndex] == 0x1F, data[data.startIndex + 1] == 0x8B else { throw .notGzip }
        var stream = z_stream()
        // 15 + 32: zlib detects the gzip header itself.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        var input = [UInt8](data)
        let inputCount = input.count
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputCount)
            repeat {
                let produced: Int = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(stream.avail_out)
                }
                output.append(contentsOf: buffer[0..<produced])
            } while status == Z_OK && output.count <= limit && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard output.count <= limit else { throw .tooLarge(limit: limit) }
        guard status == Z_STREAM_END else { throw .corrupt("the gzip stream ends early (zlib status \(status))") }
        return output
    }

    static func untar(_ tar: Data) throws(ReadError) -> [File] {
        let bytes = [UInt8](tar)
        var files: [File] = []
        var offset = 0
        var pendingName: String?
        func field(_ start: Int, _ length: Int) -> String {
            let slice = bytes[(offset + start)..<(offset + start + length)]
            return String(decoding: slice.prefix { $0 != 0 }, as: UTF8.self)
        }
        while offset + 512 <= bytes.count {
            if bytes[offset..<(offset + 512)].allSatisfy({ $0 == 0 }) { break }
            let sizeText = field(124, 12).trimmingCharacters(in: .whitespaces)
            guard let size = Int(sizeText.isEmpty ? "0" : sizeText, radix: 8) else {
                throw .corrupt("a header has an unreadable size")
            }
            let type = bytes[offset + 156]
            var name = field(0, 100)
            let prefix = field(345, 155)
            if field(257, 5) == "ustar", !prefix.isEmpty { name = prefix + "/" + name }
            let dataStart = offset + 512
            guard dataStart + size <= bytes.count else { throw .corrupt("\(name) is cut short") }
            let body = Data(bytes[dataStart..<(dataStart + size)])
            switch type {
            case UInt8(ascii: "x"):
                pendingName = paxPath(body)
            case UInt8(ascii: "L"):
                pendingName = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
            case UInt8(ascii: "0"), 0:
                files.append(File(path: pendingName ?? name, data: body))
                pendingName = nil
            default:
                pendingName = nil
            }
            offset = dataStart + (size + 511) / 512 * 512
        }
        return files
    }

    /// The `path` record of a PAX extended header: `<length> path=<value>\n`.
    private static func paxPath(_ body: Data) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        for record in text.split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let pair = record[record.index(after: space)...]
            if pair.hasPrefix("path=") { return String(pair.dropFirst(5)) }
        }
        return nil
    }
}
