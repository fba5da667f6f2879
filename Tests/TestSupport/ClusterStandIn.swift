import Foundation

/// A stateful scripted kubectl (`kubectl_cluster.py`): objects per context, deletions held by finalizers
/// for a number of reads, a log of every change, and unreachable contexts. No Kubernetes API server
/// can run on the build machines; the teardown executor is tested against this.
public final class ClusterStandIn: Sendable {
    public let state: TemporaryDirectory
    public let program: String

    public init() throws {
        state = try TemporaryDirectory(prefix: "lockmaster-cluster")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "kubectl_cluster.py"
        ).path
        try state.write(
            "kubectl", "#!/bin/sh\nLOCKMASTER_CLUSTER_STATE='\(state.path)' exec python3 '\(script)' \"$@\"\n")
        program = state.url.appendingPathComponent("kubectl").path
        chmod(program, 0o755)
    }

    /// Adds a Flux object to `context`; `polls` is how many reads it survives once deleted (-1: forever).
    /// `inventory`: `status.inventory.entries[].id` of a Kustomization, `<namespace>_<name>_<group>_<kind>`.
    public func add(
        context: String, kind: String, namespace: String, name: String, finalizers: [String] = [], polls: Int = 0,
        suspended: Bool = false, dependsOn: [String] = [], inventory: [String] = []
    ) throws {
        let object: [String: Any] = [
            "apiVersion": kind == "HelmRelease"
                ? "helm.toolkit.fluxcd.io/v2"
                : kind == "Kustomization" ? "kustomize.toolkit.fluxcd.io/v1" : "source.toolkit.fluxcd.io/v1",
            "kind": kind, "_polls": polls,
            "metadata": ["name": name, "namespace": namespace, "finalizers": finalizers],
            "spec": ["suspend": suspended, "dependsOn": dependsOn.map { ["name": $0] }],
            "status": [
                "conditions": [["type": "Ready", "status": "True", "message": "Applied"]],
                "inventory": ["entries": inventory.map { ["id": $0, "v": "v1"] }],
            ],
        ]
        try state.write(
            "\(context)/objects/\(kind)_\(namespace)_\(name).json",
            String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    /// Every change the stand-in was asked for in `context`, in order.
    public func log(context: String) -> [String] {
        ((try? state.read("\(context)/log")) ?? "").split(separator: "\n").map(String.init)
    }

    public func exists(context: String, kind: String, namespace: String, name: String) -> Bool {
        FileManager.default.fileExists(
            atPath: state.url.appendingPathComponent("\(context)/objects/\(kind)_\(namespace)_\(name).json").path)
    }
}
