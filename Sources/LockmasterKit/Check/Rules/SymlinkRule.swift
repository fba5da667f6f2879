import Foundation
import Manifests
import Platform
import Support

/// `symlink`: Flux's artifact holds no symlinks (FLUX.md §1.3, §5.6), so a symlinked manifest is not
/// applied — and what it declared before is pruned — and a kustomization that lists it fails to build.
/// Every symlink the loader met under the clusters directory or a platform path that Flux would read
/// is an error: a manifest (`.yaml`, `.yml`, `.json`), a kustomization file, or a directory. A
/// symlinked README is not.
enum SymlinkRule: Rule {
    static let id = CheckRule.symlink
    static let severity = RuleSeverity.error
    static let summary = "a symlink, which Flux leaves out"

    static func check(_ input: CheckInput, notes: inout [String]) -> [CheckFinding] {
        check(input.symlinks, root: input.root)
    }

    static func check(_ symlinks: [String], root: URL) -> [CheckFinding] {
        symlinks.compactMap { relative in
            let link = root.appendingPathComponent(relative)
            guard readByFlux(link) else { return nil }
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) ?? "?"
            return CheckFinding(
                id, .error, at: SourceLocation(path: relative),
                "\(relative) is a symlink (to \(target)): Flux leaves symlinks out of its artifact, so what it declares is not applied, and may be pruned",
                hint: "commit the file itself in its place, or point the kustomization at the target's own path")
        }
    }

    /// Whether Flux would read what the link names: a manifest, a kustomization file, a directory.
    static func readByFlux(_ link: URL) -> Bool {
        let name = link.lastPathComponent
        if ManifestLoader.kustomizationFileNames.contains(name)
            || [".yaml", ".yml", ".json"].contains(where: { name.hasSuffix($0) })
        {
            return true
        }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: link.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
