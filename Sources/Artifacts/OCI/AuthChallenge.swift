/// A `WWW-Authenticate` challenge: `Basic realm="…"` or `Bearer realm="…",service="…",scope="…"`.
struct AuthChallenge: Sendable, Equatable {
    var scheme: String
    var parameters: [String: String]

    init?(_ header: String) {
        let trimmed = header.drop { $0 == " " }
        guard let space = trimmed.firstIndex(of: " ") else {
            guard !trimmed.isEmpty else { return nil }
            scheme = trimmed.lowercased()
            parameters = [:]
            return
        }
        scheme = trimmed[..<space].lowercased()
        parameters = Self.parameters(String(trimmed[trimmed.index(after: space)...]))
    }

    /// `key="value", key2=value2`, commas inside quotes kept.
    private static func parameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var key = ""
        var value = ""
        var readingKey = true
        var quoted = false
        func finish() {
            let name = key.trimmingWhitespace().lowercased()
            if !name.isEmpty { result[name] = value }
            key = ""
            value = ""
            readingKey = true
        }
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if readingKey {
                if character == "=" { readingKey = false } else if character != "," { key.append(character) }
            } else if quoted {
                if character == "\\" {
                    if let next = iterator.next() { value.append(next) }
                } else if character == "\"" {
                    quoted = false
                } else {
                    value.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                finish()
            } else if character != " " || !value.isEmpty {
                value.append(character)
            }
        }
        finish()
        return result
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
