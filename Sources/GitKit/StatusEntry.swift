/// One line of `git status --porcelain`: the index and work-tree states and the path, read from the
/// NUL-separated form so that a path with spaces, quotes or newlines is the path itself.
public struct StatusEntry: Sendable, Hashable, CustomStringConvertible {
    /// `X` of the porcelain format: ' ' unchanged, 'M', 'A', 'D', 'R', 'C', '?' untracked, '!' ignored.
    public var index: Character
    /// `Y`: the same letters for the work tree against the index.
    public var workTree: Character
    /// The path relative to the work-tree root (the new path of a rename).
    public var path: String

    public init(index: Character, workTree: Character, path: String) {
        self.index = index
        self.workTree = workTree
        self.path = path
    }

    /// Untracked: in neither HEAD nor the index.
    public var isUntracked: Bool { index == "?" }
    /// Something of it is in the index that HEAD does not have.
    public var isStaged: Bool { index != " " && index != "?" && index != "!" }

    /// The porcelain line, `XY path`.
    public var description: String { "\(index)\(workTree) \(path)" }

    /// Reads `git status --porcelain=v1 -z`: `XY path\0`, and for a rename or copy the original path as
    /// one more field, which is skipped.
    static func parse(_ output: String) -> [StatusEntry] {
        var entries: [StatusEntry] = []
        var fields = output.split(separator: "\0", omittingEmptySubsequences: true).makeIterator()
        while let field = fields.next() {
            let characters = Array(field.prefix(2))
            guard characters.count == 2, field.count > 3 else { continue }
            entries.append(StatusEntry(index: characters[0], workTree: characters[1], path: String(field.dropFirst(3))))
            if characters[0] == "R" || characters[0] == "C" { _ = fields.next() }
        }
        return entries
    }
}
