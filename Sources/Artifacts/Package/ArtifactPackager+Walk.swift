import Foundation
import Support

extension ArtifactPackager {
    /// Walks the tree the way Flux's `filepath.WalkDir` does — depth first, each directory's entries
    /// sorted by byte-wise name — testing every entry against the patterns on its own (excluded
    /// directories are still entered, as Flux does, unless no pattern could include anything below).
    func collectEntries() throws -> [Entry] {
        var patterns = [IgnorePattern("*"), IgnorePattern(".git/")]
        patterns += platformPaths.map { IgnorePattern("!/\($0)/**") }
        let rootIgnore = root.appendingPathComponent(".sourceignore")
        if let text = try? String(contentsOf: rootIgnore, encoding: .utf8) {
            patterns += IgnoreMatcher.patterns(from: text, domain: [])
        }
        var walk = Walk(packager: self, matcher: IgnoreMatcher(patterns))
        walk.entries.append(Entry(name: ".", source: root, isDirectory: true, executable: true, size: 0))
        try walk.visit(directory: root, components: [], realPath: root.path)
        guard walk.symlinks.isEmpty else { throw PackageError.symlinks(walk.symlinks) }
        guard walk.entries.contains(where: { !$0.isDirectory }) else { throw PackageError.empty(paths: platformPaths) }
        return walk.entries
    }
}

private struct Walk {
    let packager: ArtifactPackager
    var matcher: IgnoreMatcher
    var entries: [ArtifactPackager.Entry] = []
    var symlinks: [String] = []
    /// Real paths of directories on the current path, to break cycles when following links.
    var ancestors: Set<String> = []

    init(packager: ArtifactPackager, matcher: IgnoreMatcher) {
        self.packager = packager
        self.matcher = matcher
    }

    mutating func visit(directory: URL, components: [String], realPath: String) throws {
        ancestors.insert(realPath)
        defer { ancestors.remove(realPath) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw PackageError.unreadable(
                path: components.isEmpty ? "." : components.joined(separator: "/"), reason: "cannot list the directory")
        }
        // A .sourceignore applies to its own directory's subtree; user patterns stay last (highest priority).
        let saved = matcher
        if !components.isEmpty,
            let text = try? String(contentsOf: directory.appendingPathComponent(".sourceignore"), encoding: .utf8)
        {
            matcher.patterns += IgnoreMatcher.patterns(from: text, domain: components)
        }
        let effective = IgnoreMatcher(matcher.patterns + packager.ignorePatterns.map { IgnorePattern($0) })
        defer { matcher = saved }

        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let url = directory.appendingPathComponent(name)
            let path = components + [name]
            let relative = path.joined(separator: "/")
            var info = stat()
            guard lstat(url.path, &info) == 0 else {
                throw PackageError.unreadable(path: relative, reason: String(cString: strerror(errno)).lowercased())
            }
            var kind = info.st_mode & S_IFMT
            var target = url
            var targetReal = url.path
            if kind == S_IFLNK {
                let isDirectoryLink = (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true
                if effective.isExcluded(path, isDirectory: isDirectoryLink) { continue }
                guard packager.followSymlinks else {
                    symlinks.append(relative)
                    continue
                }
                targetReal = url.resolvingSymlinksInPath().path
                let rootPath = packager.root.path
                guard targetReal == rootPath || targetReal.hasPrefix(rootPath + "/") else {
                    throw PackageError.symlinkOutsideRepository(link: relative, target: targetReal)
                }
                guard stat(targetReal, &info) == 0 else { continue }  // dangling: nothing to package
                kind = info.st_mode & S_IFMT
                target = URL(fileURLWithPath: targetReal)
            }
            switch kind {
            case S_IFDIR:
                if ancestors.contains(targetReal) { continue }  // a link back up the tree
                if !effective.isExcluded(path, isDirectory: true) {
                    entries.append(.init(name: relative, source: target, isDirectory: true, executable: true, size: 0))
                } else if !mayInclude(below: path) {
                    continue
                }
                try visit(directory: target, components: path, realPath: targetReal)
            case S_IFREG:
                guard !effective.isExcluded(path, isDirectory: false), !packager.excludedFiles.contains(relative) else {
                    continue
                }
                entries.append(
                    .init(
                        name: relative, source: target, isDirectory: false,
                        executable: info.st_mode & 0o111 != 0, size: UInt64(info.st_size)))
            default:
                continue  // devices, FIFOs and sockets are skipped, as Flux does
            }
        }
    }

    /// Whether some inclusion pattern could match an entry below the excluded directory `path`.
    private func mayInclude(below path: [String]) -> Bool {
        for pattern in matcher.patterns + packager.ignorePatterns.map({ IgnorePattern($0) }) where pattern.inclusion {
            guard pattern.anchored else { return true }
            guard path.count >= pattern.domain.count, Array(path.prefix(pattern.domain.count)) == pattern.domain else {
                continue
            }
            let relative = path.dropFirst(pattern.domain.count)
            let parts = pattern.parts.drop { $0.isEmpty }
            var compatible = true
            for (part, component) in zip(parts, relative) {
                if part == "**" { break }
                if !Glob.match(part, component) {
                    compatible = false
                    break
                }
            }
            if compatible { return true }
        }
        return false
    }
}
