/// Why the platform artifact could not be packaged. Nothing is written when one of these is thrown.
public enum PackageError: Error, Sendable, Equatable, CustomStringConvertible {
    case symlinks([String])
    case symlinkOutsideRepository(link: String, target: String)
    case unreadable(path: String, reason: String)
    case empty(paths: [String])
    case tooLarge(String)
    case compression(String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .symlinks(let paths):
            return
                "the artifact paths contain symbolic links, which Flux would silently drop: \(paths.joined(separator: ", ")); "
                + "replace them with files, or pass --follow-symlinks to package what they point to"
        case .symlinkOutsideRepository(let link, let target):
            return "\(link) points outside the repository (\(target)); only links inside the repository are followed"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .empty(let paths):
            return
                "nothing to package: \(paths.map { "\($0)/" }.joined(separator: ", ")) hold no files; add the platform manifests, or set platformPaths in lockmaster.yaml"
        case .tooLarge(let path):
            return "\(path) is larger than a tar entry can hold (8 GiB)"
        case .compression(let reason):
            return "compression failed: \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
