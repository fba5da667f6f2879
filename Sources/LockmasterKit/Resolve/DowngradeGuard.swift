import Artifacts
import Foundation
import GitKit
import Platform

/// A range that resolves lower than what its environment already ran: a tag deleted from the
/// registry, and Flux follows the range down without a word.
public struct Downgrade: Sendable, Codable, Equatable {
    /// The version it ran.
    public var from: String
    /// The version it resolves to now.
    public var to: String
    /// How Lockmaster knows it ran `from`.
    public var evidence: String
}

/// Finds what a range environment ran: a later environment in the promotion order was pinned to a
/// version the range admits (promotions take what the environment before ran), or its cluster reports it.
struct DowngradeGuard {
    let git: any GitClient
    let access: RegistryAccess

    /// The highest version the environment's range admits that a later environment's pin history holds.
    func check(_ environment: PlatformEnvironment, resolved: String, repository: PlatformRepository) async -> Downgrade?
    {
        guard environment.classification.kind == .tracksRange, let ref = environment.classification.ref,
            let range = try? SemverRange(ref),
            let now = SemanticVersion.flux(resolved)
        else { return nil }
        let order = repository.settings.environments
        guard let index = order.firstIndex(of: environment.name) else { return nil }
        var highest: (version: SemanticVersion, tag: String, evidence: String)?
        for later in order.dropFirst(index + 1) {
            let pins =
                (try? await EnvironmentHistory(git: git, access: access).pins(
                    repository: repository.root, environment: later, loaded: repository)) ?? []
            for pin in pins where pin.field == .tag {
                guard let version = SemanticVersion.flux(pin.to), range.contains(version),
                    version.compare(to: highest?.version ?? now) > 0
                else { continue }
                highest = (
                    version, pin.to,
                    "\(later) was pinned to \(pin.to) in \(pin.commit.prefix(12)) (\(pin.date)), so \(environment.name) ran it"
                )
            }
        }
        return highest.map { Downgrade(from: $0.tag, to: resolved, evidence: $0.evidence) }
    }

    /// What the cluster runs, from its source's revision (`<tag>@sha256:…`), when higher than `resolved`.
    static func live(_ revision: String?, resolved: String, context: String) -> Downgrade? {
        guard let revision, let tag = revision.split(separator: "@").first.map(String.init),
            let ran = SemanticVersion.flux(tag),
            let now = SemanticVersion.flux(resolved), ran.compare(to: now) > 0
        else { return nil }
        return Downgrade(from: tag, to: resolved, evidence: "its cluster (context \(context)) runs \(revision)")
    }
}

/// One line about a downgrade, for the text formatters.
enum DowngradeText {
    static func summary(_ downgrade: Downgrade, environment: String) -> String {
        "downgrade: \(environment) resolves \(downgrade.to) now but ran \(downgrade.from) (\(downgrade.evidence)); "
            + "was \(downgrade.from) deleted from the registry? Publish a version above it, or pin the range"
    }
}
