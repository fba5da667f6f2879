import Foundation
import Support

/// One gitignore-style pattern with the semantics of the matcher Flux uses
/// (`fluxcd/pkg/sourceignore`, a copy of go-git's; FLUX.md §1.2).
public struct IgnorePattern: Sendable, Hashable {
    /// The directory the pattern was written in, as path components (empty for the root).
    public var domain: [String]
    let parts: [String]
    /// `!pattern`: re-includes what earlier patterns excluded.
    public var inclusion: Bool
    /// `pattern/`: the last component must be a directory.
    var directoryOnly: Bool
    /// Contains a `/` (besides a trailing one): anchored to the domain.
    let anchored: Bool

    public init(_ text: String, domain: [String] = []) {
        var pattern = Substring(text)
        inclusion = pattern.hasPrefix("!")
        if inclusion { pattern = pattern.dropFirst() }
        if !pattern.hasSuffix("\\ ") {
            while pattern.hasSuffix(" ") { pattern = pattern.dropLast() }
        }
        directoryOnly = pattern.hasSuffix("/")
        if directoryOnly { pattern = pattern.dropLast() }
        anchored = pattern.contains("/")
        parts = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        self.domain = domain
    }

    public enum Result: Sendable { case noMatch, exclude, include }

    public func match(_ path: [String], isDirectory: Bool) -> Result {
        guard path.count > domain.count, Array(path.prefix(domain.count)) == domain else { return .noMatch }
        let relative = Array(path.dropFirst(domain.count))
        let matched =
            anchored ? globMatch(relative, isDirectory: isDirectory) : nameMatch(relative, isDirectory: isDirectory)
        guard matched else { return .noMatch }
        return inclusion ? .include : .exclude
    }

    /// A pattern without `/` matches any component at any depth; a matching parent matches its children.
    private func nameMatch(_ path: [String], isDirectory: Bool) -> Bool {
        for (index, name) in path.enumerated() where Glob.match(parts[0], name) {
            if directoryOnly, !isDirectory, index == path.count - 1 { return false }
            return true
        }
        return false
    }

    /// An anchored pattern: `**` is zero or more directories, and a match of a prefix matches below it.
    private func globMatch(_ fullPath: [String], isDirectory: Bool) -> Bool {
        var path = fullPath[...]
        var matched = false
        var canTraverse = false
        for (index, part) in parts.enumerated() {
            if part.isEmpty {
                canTraverse = false
                continue
            }
            if part == "**" {
                if index == parts.count - 1 { break }
                canTraverse = true
                continue
            }
            if part.contains("**") { return false }
            if path.isEmpty { return false }
            if canTraverse {
                canTraverse = false
                while let name = path.first {
                    path = path.dropFirst()
                    if Glob.match(part, name) {
                        matched = true
                        break
                    }
                    if path.isEmpty { matched = false }
                }
            } else {
                guard Glob.match(part, path[path.startIndex]) else { return false }
                matched = true
                path = path.dropFirst()
            }
        }
        if matched, directoryOnly, !isDirectory, path.isEmpty { matched = false }
        return matched
    }
}

/// Patterns evaluated last to first; the first that matches decides (go-git's matcher).
public struct IgnoreMatcher: Sendable {
    public var patterns: [IgnorePattern]

    public init(_ patterns: [IgnorePattern] = []) {
        self.patterns = patterns
    }

    public func isExcluded(_ path: [String], isDirectory: Bool) -> Bool {
        for pattern in patterns.reversed() {
            switch pattern.match(path, isDirectory: isDirectory) {
            case .noMatch: continue
            case .exclude: return true
            case .include: return false
            }
        }
        return false
    }

    /// Reads a `.sourceignore`-style text: `#` comments and blank lines are skipped.
    public static func patterns(from text: String, domain: [String]) -> [IgnorePattern] {
        text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .map(String.init)
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { IgnorePattern($0, domain: domain) }
    }
}
