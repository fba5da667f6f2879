import Foundation

/// The few DER shapes an encrypted PKCS#8 key needs (RFC 8018): sequences, OIDs, octet strings and small
/// integers. Reading is strict: definite lengths only, no trailing bytes, lengths inside the input.
enum DER {
    enum Tag: UInt8 {
        case integer = 0x02
        case octetString = 0x04
        case null = 0x05
        case oid = 0x06
        case sequence = 0x30
    }

    struct Node {
        var tag: UInt8
        var content: Data

        /// The children of a sequence.
        func children() throws(SigningKeyError) -> [Node] {
            guard tag == Tag.sequence.rawValue else { throw .malformed("expected a DER sequence") }
            return try DER.parseAll(content)
        }

        /// A non-negative integer that fits in an Int.
        func integer() throws(SigningKeyError) -> Int {
            guard tag == Tag.integer.rawValue, !content.isEmpty, content.count <= 8, content.first! & 0x80 == 0 else {
                throw .malformed("expected a small DER integer")
            }
            return content.reduce(0) { $0 << 8 | Int($1) }
        }

        func octets() throws(SigningKeyError) -> Data {
            guard tag == Tag.octetString.rawValue else { throw .malformed("expected a DER octet string") }
            return content
        }

        func oid() throws(SigningKeyError) -> [UInt8] {
            guard tag == Tag.oid.rawValue else { throw .malformed("expected a DER object identifier") }
            return [UInt8](content)
        }
    }

    /// Every node in `data`, which they must fill exactly.
    static func parseAll(_ data: Data) throws(SigningKeyError) -> [Node] {
        var nodes: [Node] = []
        var index = data.startIndex
        while index < data.endIndex {
            let tag = data[index]
            index += 1
            guard index < data.endIndex else { throw .malformed("truncated DER") }
            var length = Int(data[index])
            index += 1
            if length & 0x80 != 0 {
                let count = length & 0x7f
                guard (1...4).contains(count), data.endIndex - index >= count else {
                    throw .malformed("bad DER length")
                }
                length = data[index..<index + count].reduce(0) { $0 << 8 | Int($1) }
                index += count
            }
            guard data.endIndex - index >= length else { throw .malformed("truncated DER") }
            nodes.append(Node(tag: tag, content: Data(data[index..<index + length])))
            index += length
        }
        return nodes
    }

    static func parse(_ data: Data) throws(SigningKeyError) -> Node {
        let nodes = try parseAll(data)
        guard nodes.count == 1 else { throw .malformed("expected one DER value") }
        return nodes[0]
    }

    static func encode(_ tag: Tag, _ content: Data) -> Data {
        var out = Data([tag.rawValue])
        if content.count < 0x80 {
            out.append(UInt8(content.count))
        } else {
            let bytes = withUnsafeBytes(of: UInt32(content.count).bigEndian, Array.init).drop { $0 == 0 }
            out.append(0x80 | UInt8(bytes.count))
            out.append(contentsOf: bytes)
        }
        return out + content
    }

    static func sequence(_ parts: Data...) -> Data { encode(.sequence, parts.reduce(Data(), +)) }
    static func oid(_ bytes: [UInt8]) -> Data { encode(.oid, Data(bytes)) }
    static func octets(_ data: Data) -> Data { encode(.octetString, data) }

    static func integer(_ value: Int) -> Data {
        var bytes = Array(withUnsafeBytes(of: UInt64(value).bigEndian, Array.init).drop { $0 == 0 })
        if bytes.isEmpty || bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return encode(.integer, Data(bytes))
    }
}
