import Foundation

/// Why no tag could be chosen.
public enum TagSelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidFilter(String, reason: String)
    case noMatch(range: String, filter: String?)

    public var description: String {
        switch self {
        case .invalidFilter(let filter, let reason):
            return "semverFilter \"\(filter)\" is not a valid regular expression: \(reason)"
        case .noMatch(let range, let filter):
            return "no match found for semver: \(range)" + (filter.map { " with semverFilter \"\($0)\"" } ?? "")
        }
    }
}

/// The tag an OCIRepository range picks, and the others it considered.
public struct TagSelection: Sendable, Equatable {
    /// The chosen tag, exactly as stored in the registry (`Original()`: a `v` prefix survives).
    public var tag: String
    /// Every admitted tag, highest first; equal versions keep the registry's order.
    public var candidates: [String]
    /// Other tags of exactly the chosen tag's precedence. Flux's sort is unstable, so with ties it may
    /// pick any of these instead: the tie is reported, never silently broken.
    public var ties: [String]
}

/// Chooses a tag the way source-controller's `getTagBySemver` does (FLUX.md §2.3): optional
/// `semverFilter` on the raw tag, Flux's version gate, the Masterminds range, highest precedence wins.
public enum TagSelector {
    /// - Parameters:
    ///   - tags: the repository's tags in the order the registry listed them.
    ///   - helmTags: map `_` to `+` first, as Flux does for Helm chart layers.
    public static func select(from tags: [String], range: SemverRange, filter: String? = nil, helmTags: Bool = false)
        throws(TagSelectionError) -> TagSelection
    {
        var pool = tags
        if let filter {
            let regex: NSRegularExpression
            do { regex = try NSRegularExpression(pattern: filter) } catch {
                throw .invalidFilter(filter, reason: "\(error.localizedDescription)")
            }
            pool = pool.filter { regex.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
        }
        let admitted: [(tag: String, version: SemanticVersion)] = pool.compactMap { tag in
            let text = helmTags ? tag.replacingOccurrences(of: "_", with: "+") : tag
            guard let version = SemanticVersion.flux(text), range.contains(version) else { return nil }
            return (tag, version)
        }
        // Stable: among equal versions the registry's order is kept.
        let sorted = admitted.enumerated().sorted { a, b in
            let order = a.element.version.compare(to: b.element.version)
            return order != 0 ? order > 0 : a.offset < b.offset
        }.map(\.element)
        guard let best = sorted.first else { throw .noMatch(range: range.text, filter: filter) }
        let ties = sorted.dropFirst().filter { $0.version.compare(to: best.version) == 0 }.map(\.tag)
        return TagSelection(tag: best.tag, candidates: sorted.map(\.tag), ties: ties)
    }
}
