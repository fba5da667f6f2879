/// A length of time as people write it, the one grammar for lease TTLs and command timeouts: a positive
/// number (digits, one decimal part) and a unit — `30s`, `10m`, `36h`, `7d`, `2w` — or plain seconds
/// (`2.5`); from a millisecond to a century.
public struct TimeSpan: Sendable, Equatable, CustomStringConvertible {
    public let seconds: Double
    /// As it was written.
    public let text: String

    public init?(_ text: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var number = Substring(text)
        var factor = 1.0
        if let unit = text.last, let seconds = units[unit] { (number, factor) = (number.dropLast(), seconds) }
        // Digits, with one decimal part: no sign, exponent, hex or other digits that Double would read.
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }),
            let value = Double(number).map({ $0 * factor })
        else { return nil }
        // Less than a millisecond is nothing to wait for; more than a century is a typo, and past it date
        // arithmetic would overflow.
        guard value >= 0.001, value <= Self.century else { return nil }
        seconds = value
        self.text = text
    }

    /// How to write one, for the errors that refuse a text.
    public static let grammar = "write a number and s, m, h, d or w (30s, 10m, 36h, 7d, 2w), at most a century"

    /// A century, in seconds: the longest span.
    static let century = Double(100 * 366 * 86_400)

    public var duration: Duration { .milliseconds(Int((seconds * 1000).rounded())) }

    public var description: String { text }

    /// `3d 4h`, `5h`, `20m`: an interval, for people.
    public static func describe(_ interval: Double) -> String {
        let minutes = Int(abs(interval) / 60)
        let (days, hours) = (minutes / 1440, minutes % 1440 / 60)
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        return hours > 0 ? "\(hours)h" : "\(minutes % 60)m"
    }
}
