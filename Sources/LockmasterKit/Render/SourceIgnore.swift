import Artifacts
import Foundation
import Support

/// What source-controller leaves out of the artifact it serves (FLUX.md §2.6): every `.sourceignore` in
/// the tree, scoped to its directory and read parent first; with none, its defaults (version control, media
/// and archive files, CI files, `.sops.yaml` and friends); with some, only version control besides them.
/// A build never sees what is left out, as Flux's does not.
struct SourceIgnore: Sendable {
    let matcher: IgnoreMatcher

    static let versionControl = [".git/", ".gitignore", ".gitmodules", ".gitattributes"]
    static let defaults = [
        "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip",
        ".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".drone.yml", "cloudbuild.yaml",
        "codeship-services.yml", "codeship-steps.yml",
        "**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml",
    ]

    init(tree: URL) {
        var patterns: [IgnorePattern] = []
        Self.load(directory: tree, components: [], into: &patterns)
        let base = (Self.versionControl + (patterns.isEmpty ? Self.defaults : [])).map { IgnorePattern($0) }
        matcher = IgnoreMatcher(base + patterns)
    }

    /// Whether `path` (relative to the tree, `/`-separated) is left out.
    func excludes(_ path: String) -> Bool {
        matcher.isExcluded(path.split(separator: "/").map(String.init), isDirectory: false)
    }

    /// `sourceignore.LoadIgnorePatterns`: this directory's file, then each sub-directory's in name order
    /// (`.git` is not entered, nor a symlinked directory). The file is read as Go's `os.ReadFile` reads it,
    /// through a symlink, if that stays in the tree.
    private static func load(directory: URL, components: [String], into patterns: inout [IgnorePattern]) {
        let file = directory.appendingPathComponent(".sourceignore")
        let root = directory.pathComponents.dropLast(components.count)
        let target = file.resolvingSymlinksInPath().pathComponents
        if FileKind.at(file.path) == .regular || Array(target.prefix(root.count)) == Array(root),
            let text = try? String(contentsOf: file, encoding: .utf8)
        {
            patterns += IgnoreMatcher.patterns(from: text, domain: components)
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        for name in names where name != ".git" {
            let child = directory.appendingPathComponent(name)
            guard FileKind.at(child.path) == .directory else { continue }
            load(directory: child, components: components + [name], into: &patterns)
        }
    }
}

/// One `SourceIgnore` per tree, read once however many builds ask.
final class SourceIgnoreCache: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [String: SourceIgnore] = [:]

    func ignore(for tree: URL) -> SourceIgnore {
        let key = tree.standardizedFileURL.path
        lock.lock()
        defer { lock.unlock() }
        if let ignore = known[key] { return ignore }
        let ignore = SourceIgnore(tree: tree)
        known[key] = ignore
        return ignore
    }
}
