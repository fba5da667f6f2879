/// Text for people with its parts marked by what they mean (an error, an added line), not by how they
/// look: the command line paints the marks on a terminal, and everywhere else the text is plain.
public struct StyledText: Sendable, Equatable, ExpressibleByStringInterpolation {
    /// What a part of the text is.
    public enum Style: Sendable, Equatable, CaseIterable {
        /// A finding's severity `error`, or a failure that blocks (a cluster unreachable).
        case error
        /// A finding's severity `warning`.
        case warning
        /// Something that did not work or is not known (an `unknown` kind, a build error, NotReady).
        case failed
        /// Silenced findings.
        case muted
        /// All is well: check passed, up to date, Ready.
        case success
        case added, removed, changed
        /// Worth a look: how far behind.
        case attention
        case note
    }

    public struct Span: Sendable, Equatable {
        public var text: String
        public var style: Style?
    }

    public private(set) var spans: [Span] = []

    public init() {}

    public init(_ text: String, _ style: Style? = nil) {
        append(text, style)
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public mutating func append(_ text: String, _ style: Style? = nil) {
        guard !text.isEmpty else { return }
        spans.append(Span(text: text, style: style))
    }

    public mutating func append(_ other: StyledText) {
        spans += other.spans
    }

    public static func + (lhs: StyledText, rhs: StyledText) -> StyledText {
        var joined = lhs
        joined.append(rhs)
        return joined
    }

    /// The text without marks.
    public var plain: String { spans.map(\.text).joined() }

    /// Lines joined with `separator`, each ending without it.
    public static func joined(_ lines: [StyledText], separator: String = "\n") -> StyledText {
        var text = StyledText()
        for (index, line) in lines.enumerated() {
            if index > 0 { text.append(separator) }
            text.append(line)
        }
        return text
    }
}
