import Foundation

/// USTAR headers as Go's `archive/tar` writes them for Flux artifacts (FLUX.md §1.3), with every
/// field Lockmaster normalises fixed: uid/gid 0, empty owner names, mtime 0. Names that do not fit
/// USTAR (over 100 bytes without a usable prefix split, or non-ASCII) get a PAX record.
enum TarHeader {
    static let blockSize = 512

    enum Kind { case file, directory }

    /// The header block(s) for one entry.
    static func blocks(name: String, kind: Kind, mode: Int, size: UInt64) throws -> [UInt8] {
        guard size < 0o77777777777 else { throw PackageError.tooLarge(name) }
        if let (prefix, short) = ustarSplit(name) {
            return header(name: short, prefix: prefix, kind: kind == .file ? "0" : "5", mode: mode, size: size)
        }
        // PAX: an 'x' header carrying the full path, then the entry with a truncated name.
        let record = paxRecord(key: "path", value: name)
        let paxName =
            "PaxHeaders.0/" + String(decoding: Array(name.utf8.suffix(80)).filter { $0 < 0x80 }, as: UTF8.self)
        var out = header(
            name: String(paxName.prefix(100)), prefix: "", kind: "x", mode: 0o644, size: UInt64(record.count))
        out += record + padding(record.count)
        out += header(
            name: String(decoding: Array(name.utf8.prefix(100)).filter { $0 < 0x80 }, as: UTF8.self),
            prefix: "", kind: kind == .file ? "0" : "5", mode: mode, size: size)
        return out
    }

    static func padding(_ count: Int) -> [UInt8] {
        let remainder = count % blockSize
        return remainder == 0 ? [] : [UInt8](repeating: 0, count: blockSize - remainder)
    }

    /// `(prefix, name)` when the path fits USTAR: ASCII, name ≤ 100 bytes, or split at a `/` with prefix ≤ 155.
    private static func ustarSplit(_ path: String) -> (String, String)? {
        let bytes = Array(path.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 && $0 != 0 }) else { return nil }
        if bytes.count <= 100 { return ("", path) }
        guard bytes.count <= 256 else { return nil }
        for index in stride(from: min(bytes.count - 1, 155), through: 1, by: -1) where bytes[index] == UInt8(ascii: "/")
        {
            let name = bytes.count - index - 1
            if name > 0, name <= 100 {
                return (
                    String(decoding: bytes[..<index], as: UTF8.self),
                    String(decoding: bytes[(index + 1)...], as: UTF8.self)
                )
            }
        }
        return nil
    }

    private static func paxRecord(key: String, value: String) -> [UInt8] {
        // "<length> <key>=<value>\n", where length counts itself.
        let body = " \(key)=\(value)\n".utf8.count
        var length = body + String(body).count
        if String(length).count != String(body).count { length = body + String(length).count }
        return Array("\(length) \(key)=\(value)\n".utf8)
    }

    private static func header(name: String, prefix: String, kind: Character, mode: Int, size: UInt64) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: UInt64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(UInt64(mode), at: 100, width: 8)
        octal(0, at: 108, width: 8)  // uid
        octal(0, at: 116, width: 8)  // gid
        octal(size, at: 124, width: 12)
        octal(0, at: 136, width: 12)  // mtime: Unix epoch
        put(String(kind), at: 156, width: 1)
        put("ustar\0", at: 257, width: 6)
        put("00", at: 263, width: 2)
        octal(0, at: 329, width: 8)  // devmajor
        octal(0, at: 337, width: 8)  // devminor
        put(prefix, at: 345, width: 155)
        // The checksum is computed with its own field as spaces, then written as 6 octal digits, NUL, space.
        for index in 148..<156 { block[index] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, at: 148, width: 6)
        block[154] = 0
        block[155] = 0x20
        return block
    }
}
