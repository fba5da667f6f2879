import Foundation
import Manifests
import Platform
import Support

/// Which Flux an environment installs, as far as git (or lockmaster.yaml) says, and where that was read.
enum FluxRelease: Sendable, Equatable {
    /// Flux 2.X.
    case minor(Int)
    /// Flux 0.X, before the v1 APIs: it serves every beta API and none of their replacements.
    case legacy(Int)
    /// A range such as `2.x` or `*`: the operator installs the newest release.
    case newest
    /// Nothing in git says.
    case unknown

    /// The release and where it was read (nil when nothing says), trying in turn: `fluxVersion` in
    /// lockmaster.yaml; the `# Flux Version:` header `flux bootstrap` writes into gotk-components.yaml; a
    /// Flux Operator instance's `spec.distribution.version`; an OCIRepository of `flux-manifests` (the
    /// install manifests as an artifact) by its tag; a kustomization that installs Flux from the
    /// `fluxcd/flux2` repository's `manifests/install?ref=` or a release's `install.yaml`.
    static func installed(by environment: PlatformEnvironment, root: URL, settings: LockmasterSettings) -> (
        release: FluxRelease, source: String?
    ) {
        if let version = settings.fluxVersion[environment.name], let release = release(in: version) {
            return (release, "fluxVersion in lockmaster.yaml")
        }
        let components = "\(environment.directory)/flux-system/gotk-components.yaml"
        if let head = RepositoryFile.contents(components, in: root, limit: 4096),
            let match = String(decoding: head, as: UTF8.self).firstMatch(of: #/# Flux Version: (v?[02]\.\d+)/#),
            let release = release(in: String(match.1))
        {
            return (release, components)
        }
        // The flux-instance chart's values default to `instance.distribution.version: 2.x`, the newest.
        if let instance = environment.instance, instance.distributionVersion == nil, instance.specPath != ["spec"] {
            return (.newest, "\(instance.object.location) (the flux-instance chart's default, 2.x)")
        }
        if let instance = environment.instance,
            let version = instance.distributionVersion?.trimmingCharacters(in: .whitespaces)
        {
            let source = "\(instance.object.location)"
            if let match = version.wholeMatch(of: #/v?2\.(\d+)(\.[0-9x*]+.*)?/#), let minor = Int(match.1) {
                return (.minor(minor), source)
            }
            return (.newest, source)
        }
        for object in environment.objects {
            guard let source = OCIRepository(object), source.url?.hasSuffix("/flux-manifests") == true,
                let tag = source.ref?.tag, source.ref?.digest == nil, source.ref?.semver == nil,
                let minor = minor(in: tag)
            else { continue }
            return (.minor(minor), "\(object.location)")
        }
        if let (minor, file) = installBase(under: environment.directory, root: root) { return (.minor(minor), file) }
        return (.unknown, nil)
    }

    /// Of the release the change installs and the one its base does, the one that serves the fewest old
    /// APIs: a change cannot make its own objects pass by saying it installs an older Flux (or nothing).
    /// The base's is said to be the base's.
    static func stricter(
        _ head: (release: FluxRelease, source: String?), _ base: (release: FluxRelease, source: String?)?
    ) -> (release: FluxRelease, source: String?) {
        guard let base, base.release.rank > head.release.rank else { return head }
        return (base.release, base.source.map { "\($0) at the base" })
    }

    /// Newer releases remove more: unknown, then Flux 0.x, then 2.x by minor, then the newest.
    private var rank: Int {
        switch self {
        case .unknown: 0
        case .legacy(let minor): 1 + minor
        case .minor(let minor): 10_000 + minor
        case .newest: 1_000_000
        }
    }

    /// `2.4`, `v2.5.1` → 4, 5.
    private static func minor(in version: String) -> Int? {
        version.trimmingCharacters(in: .whitespaces).wholeMatch(of: #/v?2\.(\d+)(\.\d+)?(-.*)?/#).flatMap { Int($0.1) }
    }

    /// `2.4` → Flux 2.4, `v0.31.1` → Flux 0.31.
    private static func release(in version: String) -> FluxRelease? {
        if let minor = minor(in: version) { return .minor(minor) }
        return version.trimmingCharacters(in: .whitespaces).wholeMatch(of: #/v?0\.(\d+)(\.\d+)?(-.*)?/#)
            .flatMap { Int($0.1) }.map(FluxRelease.legacy)
    }

    /// A kustomization under `directory` that installs Flux from its repository by a ref or a release.
    private static func installBase(under directory: String, root: URL) -> (Int, String)? {
        let base = root.appendingPathComponent(directory)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return nil }
        let names: Set = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        var seen = 0
        while let relative = walker.nextObject() as? String, seen < 10_000 {
            seen += 1
            guard names.contains((relative as NSString).lastPathComponent),
                let data = RepositoryFile.contents("\(directory)/\(relative)", in: root, limit: 1 << 20)
            else { continue }
            let text = String(decoding: data, as: UTF8.self)
            let patterns = [
                #/fluxcd/flux2/+manifests/install\?ref=v?2\.(\d+)/#,
                #/fluxcd/flux2/releases/download/v?2\.(\d+)\.\d+/install\.yaml/#,
            ]
            for pattern in patterns {
                if let match = text.firstMatch(of: pattern), let minor = Int(match.1) {
                    return (minor, "\(directory)/\(relative)")
                }
            }
        }
        return nil
    }

    /// Whether this release serves an API that `removedIn` (a Flux 2.X minor) stopped serving.
    func serves(removedIn: Int?) -> Bool {
        guard let removedIn else { return true }
        switch self {
        case .minor(let minor): return minor < removedIn
        case .legacy: return true
        case .newest, .unknown: return false
        }
    }

    /// Whether this release serves an API served from Flux 2.`since` on.
    func serves(since: Int) -> Bool {
        switch self {
        case .minor(let minor): return minor >= since
        case .legacy: return false
        case .newest, .unknown: return true
        }
    }

    /// `2.6`, `newest`, or nil when unknown: the release as status reports it.
    var version: String? {
        switch self {
        case .minor(let minor): "2.\(minor)"
        case .legacy(let minor): "0.\(minor)"
        case .newest: "newest"
        case .unknown: nil
        }
    }

    var description: String {
        switch self {
        case .minor(let minor): "Flux 2.\(minor)"
        case .legacy(let minor): "Flux 0.\(minor)"
        case .newest: "the newest Flux"
        case .unknown: "current Flux"
        }
    }
}
