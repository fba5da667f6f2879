public import Foundation
public import Support

/// What a cluster reports about one Flux object.
public struct ClusterObject: Sendable, Equatable, Codable {
    public var kind: String
    public var namespace: String
    public var name: String
    /// The `Ready` condition: true, false, or nil when the object has none yet.
    public var ready: Bool?
    public var message: String?
    public var suspended: Bool
    /// Kustomization and HelmRelease: `status.lastAppliedRevision` (HelmRelease: `lastAttemptedRevision` as a fallback).
    public var appliedRevision: String?
    /// Sources: `status.artifact.revision`.
    public var artifactRevision: String?
}

/// Why a cluster could not be asked.
public enum ClusterError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreachable(context: String, reason: String)
    case unreadable(context: String, reason: String)

    public var description: String {
        switch self {
        case let .unreachable(context, reason): return "cannot reach the cluster of context \(context): \(reason)"
        case let .unreadable(context, reason): return "cannot read what the cluster of context \(context) answered: \(reason)"
        }
    }
}

/// kubectl as Lockmaster uses it. Tests substitute a scripted stand-in for the program.
public protocol Kubectl: Sendable {
    /// Flux sources, Kustomizations and HelmReleases in every namespace.
    func fluxObjects(context: String) async throws -> [ClusterObject]
}

/// Runs the `kubectl` program (or the one named by `LOCKMASTER_KUBECTL`).
public struct ProcessKubectl: Kubectl {
    private let runner: any ProcessRunner
    private let program: String

    public init(runner: any ProcessRunner = SystemProcessRunner(), program: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl") {
        self.runner = runner
        self.program = program
    }

    static let resources = [
        "gitrepositories.source.toolkit.fluxcd.io", "ocirepositories.source.toolkit.fluxcd.io",
        "kustomizations.kustomize.toolkit.fluxcd.io", "helmreleases.helm.toolkit.fluxcd.io",
    ]

    public func fluxObjects(context: String) async throws -> [ClusterObject] {
        let invocation = ProcessInvocation(program, ["--context", context, "get", Self.resources.joined(separator: ","),
                                                     "--all-namespaces", "--output", "json", "--request-timeout", "20s"],
                                           timeout: .seconds(60))
        let output: ProcessOutput
        do { output = try await runner.run(invocation) } catch {
            throw ClusterError.unreachable(context: context, reason: "\(error)")
        }
        guard output.status == 0 else {
            let reason = output.stderr.split(separator: "\n").last.map(String.init) ?? "kubectl exited with status \(output.status)"
            throw ClusterError.unreachable(context: context, reason: reason)
        }
        return try Self.parse(output.standardOutput, context: context)
    }

    /// Reads a `kubectl get -o json` List of Flux objects.
    public static func parse(_ data: Data, context: String) throws -> [ClusterObject] {
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let items = list["items"] as? [[String: Any]] else {
            throw ClusterError.unreadable(context: context, reason: "not a JSON list of objects")
        }
        return items.map { item in
            let metadata = item["metadata"] as? [String: Any] ?? [:]
            let spec = item["spec"] as? [String: Any] ?? [:]
            let status = item["status"] as? [String: Any] ?? [:]
            let conditions = status["conditions"] as? [[String: Any]] ?? []
            let ready = conditions.first { $0["type"] as? String == "Ready" }
            let artifact = status["artifact"] as? [String: Any]
            return ClusterObject(
                kind: item["kind"] as? String ?? "",
                namespace: metadata["namespace"] as? String ?? "default",
                name: metadata["name"] as? String ?? "",
                ready: (ready?["status"] as? String).map { $0 == "True" },
                message: ready?["message"] as? String,
                suspended: spec["suspend"] as? Bool ?? false,
                appliedRevision: status["lastAppliedRevision"] as? String ?? status["lastAttemptedRevision"] as? String,
                artifactRevision: artifact?["revision"] as? String
            )
        }
    }
}
