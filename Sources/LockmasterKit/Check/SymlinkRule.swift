import Foundation
import Manifests
import Support

/// `symlink`: Flux's artifact holds no symlinks (FLUX.md §1.3, §5.6), so a symlinked manifest is not
/// applied — and what it declared before is pruned — and a kustomization that lists it fails to build.
/// Every symlink under the clusters directory or a platform path that Flux would read is an error: a
/// manifest (`.yaml`, `.yml`, `.json`), a kustomization file, or a directory. A symlinked README is not.
enum SymlinkRule {
    static func check(under path: String, root: URL) -> [CheckFinding] {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: root.appendingPathComponent(path).path) else { return [] }
        var findings: [CheckFinding] = []
        while let entry = enumerator.nextObject() as? String {
            let relative = path + "/" + entry
            guard (try? manager.attributesOfItem(atPath: root.appendingPathComponent(relative).path)[.type] as? FileAttributeType) == .typeSymbolicLink else {
                continue
            }
            guard readByFlux(root.appendingPathComponent(relative)) else { continue }
            let target = (try? manager.destinationOfSymbolicLink(atPath: root.appendingPathComponent(relative).path)) ?? "?"
            findings.append(CheckFinding(.symlink, .error, at: SourceLocation(path: relative),
                                         "\(relative) is a symlink (to \(target)): Flux leaves symlinks out of its artifact, so what it declares is not applied, and may be pruned",
                                         hint: "commit the file itself in its place, or point the kustomization at the target's own path"))
        }
        return findings
    }

    private static func readByFlux(_ link: URL) -> Bool {
        let name = link.lastPathComponent
        if ManifestLoader.kustomizationFileNames.contains(name) || [".yaml", ".yml", ".json"].contains(where: { name.hasSuffix($0) }) { return true }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: link.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
