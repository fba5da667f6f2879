import Foundation

/// A scripted `kubectl`: for `--context NAME get …` it prints `NAME.json` from its directory, and for a
/// context without a file it fails the way kubectl does when a cluster cannot be reached. No Kubernetes
/// API server can run on the build machines, so cluster code is tested against this stand-in.
public final class KubectlStandIn: Sendable {
    public let directory: TemporaryDirectory
    public var program: String { directory.url.appendingPathComponent("kubectl").path }

    public init() throws {
        directory = try TemporaryDirectory(prefix: "lockmaster-kubectl")
        try directory.write(
            "kubectl",
            """
            #!/bin/sh
            # Arguments: --context NAME get RESOURCES --all-namespaces --output json …
            [ "$1" = "--context" ] && [ "$3" = "get" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
            file="$(dirname "$0")/$2.json"
            if [ ! -f "$file" ]; then
              echo "Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout" >&2
              exit 1
            fi
            cat "$file"
            """)
        chmod(program, 0o755)
    }

    /// What the cluster of `context` answers: a List of Flux objects.
    public func answer(context: String, objects: [[String: Any]]) throws {
        let data = try JSONSerialization.data(withJSONObject: ["apiVersion": "v1", "kind": "List", "items": objects])
        try data.write(to: directory.url.appendingPathComponent("\(context).json"))
    }

    /// A Flux object as the API returns it, with a Ready condition.
    public static func object(
        apiVersion: String, kind: String, name: String, namespace: String = "flux-system", ready: Bool,
        message: String = "", suspended: Bool = false, status: [String: Any] = [:]
    ) -> [String: Any] {
        var fullStatus = status
        fullStatus["conditions"] = [
            [
                "type": "Ready", "status": ready ? "True" : "False",
                "reason": ready ? "ReconciliationSucceeded" : "BuildFailed",
                "message": message, "lastTransitionTime": "2026-01-02T03:04:05Z",
            ]
        ]
        return [
            "apiVersion": apiVersion, "kind": kind, "metadata": ["name": name, "namespace": namespace],
            "spec": ["suspend": suspended, "interval": "10m"], "status": fullStatus,
        ]
    }
}
