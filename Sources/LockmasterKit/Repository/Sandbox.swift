public import Foundation
public import Platform

/// One sandbox, derived from its name once: the branch, the environment (and cluster) name, the
/// directory under the clusters prefix, the lease file, the kube context and what its hooks see.
/// Creating, listing, extending, collecting and tearing down all take this value.
public struct Sandbox: Sendable, Equatable {
    /// The name as typed, which is also the branch's: `OPS-123-add-keda`.
    public let name: String
    /// The environment's name, and the cluster's: `sandbox-` and the name in lower case.
    public let environment: String
    /// Where its Flux objects live, relative to the repository root: `clusters/sandbox-ops-123-add-keda`.
    public let directory: String

    public init(name: String, settings: LockmasterSettings) {
        self.name = name
        environment = Self.environment(for: name)
        directory = settings.environmentDirectory(environment)
    }

    /// The branch the sandbox lives on.
    public var branch: String { name }

    /// The lease file in the sandbox's directory.
    public var leasePath: String { "\(directory)/\(Self.leaseFileName)" }

    public static let leaseFileName = "lease.lockmaster"

    /// `sandbox-` and the name in lower case: the environment a name makes, for places that have no settings.
    public static func environment(for name: String) -> String { "sandbox-" + name.lowercased() }

    /// Whether `environment` is a sandbox's, by the name every sandbox's environment has.
    public static func isSandbox(environment: String) -> Bool { environment.hasPrefix("sandbox-") }

    /// The kube context of its cluster: `contexts` (`--context NAME=CTX`, by name or environment), else
    /// `template` (`sandbox.contextTemplate`) with `{name}` and `{directory}` filled in.
    public func context(_ contexts: [String: String], template: String?) -> String? {
        Self.context(named: name, contexts)
            ?? template.map {
                $0.replacingOccurrences(of: "{name}", with: name).replacingOccurrences(
                    of: "{directory}", with: environment)
            }
    }

    /// The context `contexts` gives the sandbox `name`, by its name or its environment's.
    public static func context(named name: String, _ contexts: [String: String]) -> String? {
        contexts[name] ?? contexts[environment(for: name)]
    }

    /// The variables every `sandbox.create` and `sandbox.destroy` hook sees.
    public func hookEnvironment(repositoryURL: String?) -> [String: String] {
        [
            "LOCKMASTER_SANDBOX": environment, "LOCKMASTER_BRANCH": branch, "LOCKMASTER_PATH": directory,
            "LOCKMASTER_REPO_URL": repositoryURL ?? "",
        ]
    }

    /// Refuses unless the sandbox's directory is in the work tree at `root` (its branch is checked out).
    public func requireDirectory(in root: URL) throws(RepositoryStateError) {
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(directory).path) else {
            throw .sandboxNotInWorkTree(name: name, directory: directory)
        }
    }
}
