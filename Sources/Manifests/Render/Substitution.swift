import Foundation
import Support

/// Flux's `postBuild` variable substitution (`fluxcd/pkg/envsubst`, FLUX.md §5.5) on one object's text:
/// only the `${…}` form expands (a bare `$var` stays), `$$` becomes `$`, and an unset variable without
/// a default expands to nothing (reported in `undefined`).
public struct Substitution: Sendable {
    public var variables: [String: String]
    /// Variables used without a value or default, in order of first use.
    public private(set) var undefined: [String] = []
    /// A plain `${NAME}` that no variable defines stays as written (a Secret's value Lockmaster does not
    /// read), instead of expanding to nothing; still reported in `undefined`.
    public var keepsUndefined = false

    public init(variables: [String: String]) {
        // Flux strips newlines from every value.
        self.variables = variables.mapValues {
            $0.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\r", with: "")
        }
    }

    public enum SubstitutionError: Error, Sendable, Equatable, CustomStringConvertible {
        case unterminated(String)
        case badSyntax(String)

        public var description: String {
            switch self {
            case .unterminated(let text): return "unterminated variable expression \"\(text)\""
            case .badSyntax(let text): return "unsupported variable expression \"${\(text)}\""
            }
        }
    }

    /// Whether `name` is a valid variable name (`^[_[:alpha:]][_[:alpha:][:digit:]]*$`).
    public static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    public mutating func apply(_ text: String) throws(SubstitutionError) -> String {
        let characters = Array(text)
        var index = 0
        return try expand(characters, &index, until: nil)
    }

    /// Expands from `index` to the end (or to an unmatched `until` character, which is consumed).
    private mutating func expand(_ text: [Character], _ index: inout Int, until terminator: Character?)
        throws(SubstitutionError) -> String
    {
        var out = ""
        while index < text.count {
            let c = text[index]
            if let terminator, c == terminator {
                index += 1
                return out
            }
            if c == "$", index + 1 < text.count {
                let next = text[index + 1]
                if next == "$" {
                    out.append("$")
                    index += 2
                    continue
                }
                if next == "{" {
                    index += 2
                    out += try expression(text, &index)
                    continue
                }
            }
            out.append(c)
            index += 1
        }
        if let terminator { throw .unterminated(String(terminator)) }
        return out
    }

    /// Reads `name…}` after `${` and evaluates it.
    private mutating func expression(_ text: [Character], _ index: inout Int) throws(SubstitutionError) -> String {
        let start = index
        var lengthOf = false
        if index < text.count, text[index] == "#" {
            lengthOf = true
            index += 1
        }
        var name = ""
        while index < text.count, text[index] == "_" || text[index].isLetter || text[index].isNumber {
            name.append(text[index])
            index += 1
        }
        guard index < text.count else { throw .unterminated("${" + String(text[start...])) }
        guard !name.isEmpty else { throw .badSyntax(String(text[start..<min(index + 1, text.count)])) }
        let value = variables[name]
        if lengthOf {
            guard text[index] == "}" else { throw .badSyntax(String(text[start...index])) }
            index += 1
            return String((value ?? "").count)
        }
        let op = text[index]
        if op == "}" {
            index += 1
            if value == nil { noteUndefined(name) }
            return value ?? (keepsUndefined ? "${\(name)}" : "")
        }
        // Operators followed by an argument that may itself hold expansions.
        func argument() throws(SubstitutionError) -> String { try expand(text, &index, until: "}") }
        func twoArguments() throws(SubstitutionError) -> (String, String) {
            let whole = try argument()
            guard let slash = whole.firstIndex(of: "/") else { return (whole, "") }
            return (String(whole[..<slash]), String(whole[whole.index(after: slash)...]))
        }
        let peek = index + 1 < text.count ? text[index + 1] : "\0"
        switch (op, peek) {
        case (":", "="), (":", "-"):
            index += 2
            let fallback = try argument()
            return (value ?? "").isEmpty ? fallback : value!
        case ("=", _), ("-", _):
            index += 1
            let fallback = try argument()
            return value ?? fallback
        case (":", _):
            index += 1
            let spec = try argument().split(separator: ":", omittingEmptySubsequences: false).map {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            let characters = Array(value ?? "")
            guard let offset = spec.first ?? nil, offset >= 0 else { throw .badSyntax(name + ":") }
            let from = min(offset, characters.count)
            let length = spec.count > 1 ? max(0, min(spec[1] ?? 0, characters.count - from)) : characters.count - from
            return String(characters[from..<(from + length)])
        case ("#", "#"), ("%", "%"):
            index += 2
            return trim(value ?? "", pattern: try argument(), prefix: op == "#", longest: true)
        case ("#", _), ("%", _):
            index += 1
            return trim(value ?? "", pattern: try argument(), prefix: op == "#", longest: false)
        case ("/", "/"):
            index += 2
            let (pattern, replacement) = try twoArguments()
            return replace(value ?? "", pattern, replacement, all: true, anchor: nil)
        case ("/", "#"), ("/", "%"):
            index += 2
            let (pattern, replacement) = try twoArguments()
            return replace(value ?? "", pattern, replacement, all: false, anchor: peek)
        case ("/", _):
            index += 1
            let (pattern, replacement) = try twoArguments()
            return replace(value ?? "", pattern, replacement, all: false, anchor: nil)
        case ("^", "^"), (",", ","):
            index += 2
            guard index < text.count, text[index] == "}" else { throw .badSyntax(name + String(op) + String(op)) }
            index += 1
            return op == "^" ? (value ?? "").uppercased() : (value ?? "").lowercased()
        case ("^", _), (",", _):
            index += 1
            guard index < text.count, text[index] == "}" else { throw .badSyntax(name + String(op)) }
            index += 1
            guard let first = value?.first else { return value ?? "" }
            return (op == "^" ? first.uppercased() : first.lowercased()) + value!.dropFirst()
        default:
            // `+`, `?` and anything else are not supported by Flux's envsubst.
            throw .badSyntax(name + String(op))
        }
    }

    private mutating func noteUndefined(_ name: String) {
        if !undefined.contains(name) { undefined.append(name) }
    }

    /// `#`/`##` (prefix) and `%`/`%%` (suffix) removal with a shell pattern.
    private func trim(_ value: String, pattern: String, prefix: Bool, longest: Bool) -> String {
        let characters = Array(value)
        let lengths = Array(0...characters.count)
        for length in longest ? lengths.reversed() : lengths {
            let part = prefix ? String(characters[0..<length]) : String(characters[(characters.count - length)...])
            if Glob.match(pattern, part) {
                return prefix ? String(characters[length...]) : String(characters[0..<(characters.count - length)])
            }
        }
        return value
    }

    /// `/p/r` (first), `//p/r` (all), `/#p/r` (at the start), `/%p/r` (at the end): longest match at each place.
    private func replace(_ value: String, _ pattern: String, _ replacement: String, all: Bool, anchor: Character?)
        -> String
    {
        guard !pattern.isEmpty else { return value }
        let characters = Array(value)
        var out = ""
        var start = 0
        var replaced = false
        while start <= characters.count {
            var matched: Int?
            if !(replaced && !all), anchor != "#" || start == 0 {
                for end in stride(from: characters.count, through: start + 1, by: -1)
                where (anchor != "%" || end == characters.count) && Glob.match(pattern, String(characters[start..<end]))
                {
                    matched = end
                    break
                }
            }
            if let end = matched {
                out += replacement
                start = end
                replaced = true
            } else {
                if start < characters.count { out.append(characters[start]) }
                start += 1
            }
        }
        return out
    }
}
