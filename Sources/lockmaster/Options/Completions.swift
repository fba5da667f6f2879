import ArgumentParser
import Foundation
import Platform

/// Shell completion of the values only the repository knows: environment names. The shells run
/// `lockmaster ---completion …` for them, so this reads the repository of `--repo`, or the one the
/// shell stands in, and never fails: no repository means no suggestions.
enum Completions {
    static let environments = CompletionKind.custom { arguments, _, prefix in
        environmentNames(repository: repositoryRoot(arguments)).filter { $0.hasPrefix(prefix) }
    }

    /// The directories under the clusters directory (`clustersDir` in lockmaster.yaml).
    static func environmentNames(repository root: URL?) -> [String] {
        guard let root else { return [] }
        let clusters = (try? SettingsLoader.load(repositoryRoot: root))?.clustersDir ?? LockmasterSettings().clustersDir
        let directory = root.appendingPathComponent(clusters)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// `--repo DIR` from the words typed so far, else the nearest directory holding `.git`.
    static func repositoryRoot(_ arguments: [String]) -> URL? {
        if let index = arguments.firstIndex(of: "--repo"), index + 1 < arguments.count {
            return URL(fileURLWithPath: arguments[index + 1])
        }
        if let repo = arguments.first(where: { $0.hasPrefix("--repo=") }) {
            return URL(fileURLWithPath: String(repo.dropFirst(7)))
        }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(".git").path) {
                return directory
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }
}
