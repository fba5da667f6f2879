/// A revision or branch name that git would read as an option: refused before git runs. Names reach
/// GitKit from lockmaster.yaml and from command lines, and `git log --output=FILE` would write a file
/// where a branch was meant.
public struct OptionLikeRevision: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public init(text: String) { self.text = text }
    public var description: String {
        "'\(text)' is not a git revision or branch name (it starts with '-' or holds a control character)"
    }
}

extension ProcessGitClient {
    /// `text`, unless git could take it for an option or it cannot be one argument of a revision.
    static func revision(_ text: String) throws(OptionLikeRevision) -> String {
        guard !text.isEmpty, !text.hasPrefix("-"),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw OptionLikeRevision(text: text)
        }
        return text
    }
}

/// Revisions every repository has.
public enum WellKnownRevision {
    /// The empty tree's object id (SHA-1): the base of a repository with no commit yet.
    public static let emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
}
