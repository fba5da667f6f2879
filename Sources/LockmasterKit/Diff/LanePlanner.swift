import Artifacts
import Foundation
public import Platform

/// Where a change goes after it merges: one step per environment, in promotion order (`diff --lane`).
public struct LaneStep: Sendable, Codable, Equatable {
    public enum When: String, Sendable, Codable {
        /// Flux applies it when the branch of record has it.
        case atMerge = "at-merge"
        /// It arrives with the next published version its range admits.
        case nextPublish = "next-publish"
        /// It arrives when a promotion pins the version that holds it.
        case afterPromotion = "after-promotion"
        /// The change does not reach this environment.
        case unchanged
        /// Lockmaster cannot tell (an unknown kind, another branch).
        case unknown
    }

    public var environment: String
    public var kind: EnvironmentKind
    public var when: When
    /// The version it arrives in: the next one `publish` produces (range), the one to promote (pinned).
    public var version: String?
    public var detail: String
}

/// Plans the lane of a change from the files it touches: a platform path travels development → the next
/// publish → a promotion; an environment's own directory is read from git, so it applies at merge.
struct LanePlanner {
    let access: RegistryAccess

    func plan(_ repository: PlatformRepository, changed paths: [String]) async -> [LaneStep] {
        let settings = repository.settings
        func under(_ directory: String) -> Bool {
            directory.isEmpty || paths.contains { $0 == directory || $0.hasPrefix(directory + "/") }
        }
        let platform = settings.platformPaths.contains { under($0) }
        let ordered = settings.environments.compactMap { repository.environment(named: $0) }
        var next: (version: String?, detail: String)?
        var steps: [LaneStep] = []
        for environment in ordered {
            let own = under(settings.environmentDirectory(environment.name))
            let classification = environment.classification
            var step = LaneStep(
                environment: environment.name, kind: classification.kind, when: .unchanged, version: nil,
                detail: "the change does not reach it")
            switch classification.kind {
            case .tracksBranch where classification.ref == settings.branch:
                if platform || own {
                    (step.when, step.detail) = (
                        .atMerge, "at merge: Flux applies \(settings.branch)'s new commit at its next interval"
                    )
                }
            case .tracksBranch:
                if platform || own {
                    (step.when, step.detail) = (
                        .unknown, "tracks branch \(classification.ref ?? "?"): it arrives when that branch has it"
                    )
                }
            case .tracksRange:
                if platform {
                    let published = await nextPublish(environment, repository: repository)
                    next = published
                    (step.when, step.version, step.detail) = (.nextPublish, published.version, published.detail)
                    if own { step.detail += "; the change to its own directory applies at merge" }
                } else if own {
                    (step.when, step.detail) = (.atMerge, "at merge: its directory is read from \(settings.branch)")
                }
            case .pinned:
                if platform {
                    let version = next?.version
                    step.when = .afterPromotion
                    step.version = version
                    step.detail =
                        "after promotion: lockmaster promote \(environment.name) \(version ?? "VERSION"), once the environment before it ran it"
                    if own { step.detail += "; the change to its own directory applies at merge" }
                } else if own {
                    (step.when, step.detail) = (.atMerge, "at merge: its directory is read from \(settings.branch)")
                }
            case .unknown:
                if platform || own {
                    (step.when, step.detail) = (
                        .unknown, "its kind is unknown: \(classification.reason ?? "no platform source")"
                    )
                }
            }
            steps.append(step)
        }
        return steps
    }

    /// The version the next `publish` produces for a range environment, as publish computes it.
    private func nextPublish(_ environment: PlatformEnvironment, repository: PlatformRepository) async -> (
        version: String?, detail: String
    ) {
        guard let ref = environment.classification.ref, let range = try? SemverRange(ref) else {
            return (nil, "at the next publish its range admits")
        }
        guard let target = repository.settings.artifact ?? environment.source?.url else {
            return (nil, "at the next publish its range \(ref) admits (no artifact repository to ask which)")
        }
        do {
            let store = try await access.store(
                for: target, relativeTo: repository.root, artifact: repository.settings.artifact)
            let version = try NextVersion.inRange(range, tags: try await store.listTags()).original
            return (version, "at the next publish: \(version) (what lockmaster publish produces), which \(ref) admits")
        } catch let error as NextVersionError {
            return (nil, "not with its range as it is: \(error)")
        } catch {
            return (
                nil, "at the next publish its range \(ref) admits (the artifact repository could not be read: \(error))"
            )
        }
    }
}
