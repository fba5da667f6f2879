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
    public var finalizers: [String] = []
    /// `metadata.deletionTimestamp` is set: the object is being deleted.
    public var deleting: Bool = false
    /// `spec.dependsOn` as `namespace/name`, namespace defaulted to the object's own.
    public var dependsOn: [String] = []
    /// Kustomization `status.inventory.entries[].id`: `<namespace>_<name>_<group>_<kind>` of what it applied.
    public var inventory: [String] = []

    public init(
        kind: String, namespace: String, name: String, ready: Bool? = nil, message: String? = nil,
        suspended: Bool = false,
        appliedRevision: String? = nil, artifactRevision: String? = nil, finalizers: [String] = [],
        deleting: Bool = false,
        dependsOn: [String] = [], inventory: [String] = []
    ) {
        (self.kind, self.namespace, self.name, self.ready, self.message, self.suspended) = (
            kind, namespace, name, ready, message, suspended
        )
        (self.appliedRevision, self.artifactRevision, self.finalizers) = (appliedRevision, artifactRevision, finalizers)
        (self.deleting, self.dependsOn, self.inventory) = (deleting, dependsOn, inventory)
    }

    /// What the object runs: the revision a Kustomization applied, or the one a source fetched.
    public var revision: String? { kind == "Kustomization" ? appliedRevision : artifactRevision }
}

/// Why a cluster could not be asked.
public enum ClusterError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreachable(context: String, reason: String)
    case unreadable(context: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let context, let reason): return "cannot reach the cluster of context \(context): \(reason)"
        case .unreadable(let context, let reason):
            return "cannot read what the cluster of context \(context) answered: \(reason)"
        }
    }
}

/// kubectl as Lockmaster uses it. Tests substitute a scripted stand-in for the program.
public protocol Kubectl: Sendable {
    /// Flux sources, Kustomizations and HelmReleases in every namespace.
    func fluxObjects(context: String) async throws -> [ClusterObject]
    /// One Flux object, or nil when it does not exist (any more).
    func get(context: String, kind: String, namespace: String, name: String) async throws -> ClusterObject?
    /// A JSON merge patch, as `flux suspend` sends it.
    func patch(context: String, kind: String, namespace: String, name: String, mergePatch: String) async throws
    /// Asks for deletion without waiting (finalizers run after); a missing object is fine.
    func delete(context: String, kind: String, namespace: String, name: String) async throws
    /// Namespaces and their phase (`Active`, `Terminating`).
    func namespaces(context: String) async throws -> [String: String]
}

/// Runs the `kubectl` program (or the one named by `LOCKMASTER_KUBECTL`).
public struct ProcessKubectl: Kubectl {
    private let runner: any ProcessRunner
    private let program: String

    public init(
        runner: any ProcessRunner = SystemProcessRunner(),
        program: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl"
    ) {
        self.runner = runner
        self.program = program
    }

    static let resources = [
        "gitrepositories.source.toolkit.fluxcd.io", "ocirepositories.source.toolkit.fluxcd.io",
        "kustomizations.kustomize.toolkit.fluxcd.io", "helmreleases.helm.toolkit.fluxcd.io",
    ]

    /// The resource name kubectl takes for a Flux kind.
    public static func resource(for kind: String) -> String {
        switch kind {
        case "Kustomization": "kustomizations.kustomize.toolkit.fluxcd.io"
        case "HelmRelease": "helmreleases.helm.toolkit.fluxcd.io"
        case "GitRepository": "gitrepositories.source.toolkit.fluxcd.io"
        case "OCIRepository": "ocirepositories.source.toolkit.fluxcd.io"
        case "HelmRepository": "helmrepositories.source.toolkit.fluxcd.io"
        case "Bucket": "buckets.source.toolkit.fluxcd.io"
        default: kind.lowercased()
        }
    }

    private func kubectl(_ context: String, _ arguments: [String]) async throws -> ProcessOutput {
        do {
            return try await runner.run(
                ProcessInvocation(
                    program, ["--context", context] + arguments + ["--request-timeout", "20s"], timeout: .seconds(60)))
        } catch {
            throw ClusterError.unreachable(context: context, reason: "\(error)")
        }
    }

    private func failure(_ context: String, _ output: ProcessOutput) -> ClusterError {
        let reason =
            output.stderr.split(separator: "\n").last.map(String.init) ?? "kubectl exited with status \(output.status)"
        return ClusterError.unreachable(context: context, reason: reason)
    }

    public func fluxObjects(context: String) async throws -> [ClusterObject] {
        let output = try await kubectl(
            context, ["get", Self.resources.joined(separator: ","), "--all-namespaces", "--output", "json"])
        guard output.status == 0 else { throw failure(context, output) }
        return try Self.parse(output.standardOutput, context: context)
    }

    public func get(context: String, kind: String, namespace: String, name: String) async throws -> ClusterObject? {
        let output = try await kubectl(
            context, ["get", Self.resource(for: kind), name, "--namespace", namespace, "--output", "json"])
        if output.status != 0, output.stderr.contains("NotFound") || output.stderr.contains("not found") { return nil }
        guard output.status == 0 else { throw failure(context, output) }
        let wrapped = Data("{\"items\":[".utf8) + output.standardOutput + Data("]}".utf8)
        return try Self.parse(wrapped, context: context).first
    }

    public func patch(context: String, kind: String, namespace: String, name: String, mergePatch: String) async throws {
        let output = try await kubectl(
            context,
            [
                "patch", Self.resource(for: kind), name, "--namespace", namespace, "--type", "merge", "--patch",
                mergePatch,
            ])
        guard output.status == 0 else { throw failure(context, output) }
    }

    public func delete(context: String, kind: String, namespace: String, name: String) async throws {
        let output = try await kubectl(
            context,
            ["delete", Self.resource(for: kind), name, "--namespace", namespace, "--wait=false", "--ignore-not-found"])
        guard output.status == 0 else { throw failure(context, output) }
    }

    public func namespaces(context: String) async throws -> [String: String] {
        let output = try await kubectl(context, ["get", "namespaces", "--output", "json"])
        guard output.status == 0 else { throw failure(context, output) }
        guard let list = try? JSONSerialization.jsonObject(with: output.standardOutput) as? [String: Any],
            let items = list["items"] as? [[String: Any]]
        else {
            throw ClusterError.unreadable(context: context, reason: "not a JSON list of namespaces")
        }
        var phases: [String: String] = [:]
        for item in items {
            guard let name = (item["metadata"] as? [String: Any])?["name"] as? String else { continue }
            phases[name] = (item["status"] as? [String: Any])?["phase"] as? String ?? "Active"
        }
        return phases
    }

    /// Reads a `kubectl get -o json` List of Flux objects.
    public static func parse(_ data: Data, context: String) throws -> [ClusterObject] {
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let items = list["items"] as? [[String: Any]]
        else {
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
                artifactRevision: artifact?["revision"] as? String,
                finalizers: metadata["finalizers"] as? [String] ?? [],
                deleting: metadata["deletionTimestamp"] != nil,
                dependsOn: (spec["dependsOn"] as? [[String: Any]] ?? []).compactMap { dependency in
                    guard let name = dependency["name"] as? String else { return nil }
                    return
                        "\(dependency["namespace"] as? String ?? metadata["namespace"] as? String ?? "default")/\(name)"
                },
                inventory: ((status["inventory"] as? [String: Any])?["entries"] as? [[String: Any]] ?? []).compactMap {
                    $0["id"] as? String
                }
            )
        }
    }
}
