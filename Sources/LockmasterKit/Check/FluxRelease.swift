import Foundation
import Manifests
import Platform
import Support

/// Which Flux an environment installs, as far as git says: the `# Flux Version:` header `flux bootstrap`
/// writes into gotk-components.yaml, or a Flux Operator instance's `spec.distribution.version`.
enum FluxRelease: Sendable, Equatable {
    /// Flux 2.X.
    case minor(Int)
    /// A range such as `2.x` or `*`: the operator installs the newest release.
    case newest
    /// Nothing in git says.
    case unknown

    static func installed(by environment: PlatformEnvironment, root: URL) -> FluxRelease {
        if let head = RepositoryFile.contents(
            "\(environment.directory)/flux-system/gotk-components.yaml", in: root, limit: 4096)
        {
            let text = String(decoding: head, as: UTF8.self)
            if let match = text.firstMatch(of: #/# Flux Version: v?2\.(\d+)/#), let minor = Int(match.1) {
                return .minor(minor)
            }
        }
        guard let version = environment.instance?.distributionVersion?.trimmingCharacters(in: .whitespaces) else {
            return .unknown
        }
        if let match = version.wholeMatch(of: #/v?2\.(\d+)(\.[0-9x*]+.*)?/#), let minor = Int(match.1) {
            return .minor(minor)
        }
        return .newest
    }

    /// Whether this release serves an API that `removedIn` (a Flux 2.X minor) stopped serving.
    func serves(removedIn: Int?) -> Bool {
        guard let removedIn else { return true }
        if case .minor(let minor) = self { return minor < removedIn }
        return false
    }

    /// Whether this release serves an API served from Flux 2.`since` on.
    func serves(since: Int) -> Bool {
        if case .minor(let minor) = self { return minor >= since }
        return true
    }

    var description: String {
        switch self {
        case .minor(let minor): "Flux 2.\(minor)"
        case .newest: "the newest Flux"
        case .unknown: "current Flux"
        }
    }
}
