/// The review's corpus: one file of a platform service before and after a change, and the danger
/// rules `diff` must report for it (none for the passing twin of each breaking change).
struct DangerCase: Sendable, CustomStringConvertible {
    var name: String
    var before: String
    var after: String
    var expected: [String]
    var silenced: [String] = []
    var description: String { name }
}

enum DangerCorpus {
    static func deployment(
        selector: String = "web", replicas: Int = 1, image: String = "nginx:1.25.3", kind: String = "Deployment"
    ) -> String {
        """
        apiVersion: apps/v1
        kind: \(kind)
        metadata: {name: web, namespace: apps}
        spec:
          replicas: \(replicas)
          selector:
            matchLabels: {app: \(selector)}
          template:
            metadata:
              labels: {app: \(selector)}
            spec:
              containers:
                - name: web
                  image: \(image)

        """
    }

    static func statefulSet(serviceName: String = "db", storage: String = "10Gi", replicas: Int = 1) -> String {
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: apps}
        spec:
          serviceName: \(serviceName)
          replicas: \(replicas)
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
                - {name: db, image: "postgres:16.1"}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec:
                accessModes: [ReadWriteOnce]
                resources: {requests: {storage: \(storage)}}

        """
    }

    static func service(clusterIP: String? = nil, port: Int = 80) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: apps}
        spec:
        \(clusterIP.map { "  clusterIP: \"\($0)\"\n" } ?? "")  selector: {app: web}
          ports:
            - {port: \(port), targetPort: 8080}

        """
    }

    static func job(image: String = "busybox:1.36.0", label: String = "a") -> String {
        """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate, namespace: apps, labels: {run: \(label)}}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - {name: migrate, image: "\(image)"}

        """
    }

    static func claim(storageClass: String = "fast", storage: String = "10Gi", mode: String = "ReadWriteOnce") -> String
    {
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: apps}
        spec:
          storageClassName: \(storageClass)
          accessModes: [\(mode)]
          resources: {requests: {storage: \(storage)}}

        """
    }

    static let namespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n"
    static let configMap =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: apps}\ndata: {a: \"1\"}\n"

    static func crd(versions: [String] = ["v1"]) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions:
        \(versions.map { "    - {name: \($0), served: true, storage: \($0 == versions.first)}" }.joined(separator: "\n"))

        """
    }

    static func kustomization(
        prune: Bool? = true, path: String = "./platform/configs", targetNamespace: String? = nil,
        source: String = "platform",
        suspend: Bool = false, deletionPolicy: String? = nil, interval: String = "10m"
    ) -> String {
        """
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: extras, namespace: flux-system}
        spec:
          interval: \(interval)
          path: \(path)
        \(prune.map { "  prune: \($0)\n" } ?? "")\(targetNamespace.map { "  targetNamespace: \($0)\n" } ?? "")\(suspend ? "  suspend: true\n" : "")\(deletionPolicy.map { "  deletionPolicy: \($0)\n" } ?? "")  sourceRef: {kind: GitRepository, name: \(source), namespace: flux-system}

        """
    }

    static func helmRelease(
        version: String = "2.14.0", releaseName: String? = nil, storageNamespace: String? = nil, retries: Int = 3,
        interval: String = "30m", replicas: Int = 1, comment: String = ""
    ) -> String {
        """
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: keda, namespace: keda}
        spec:
          interval: \(interval)
        \(releaseName.map { "  releaseName: \($0)\n" } ?? "")\(storageNamespace.map { "  storageNamespace: \($0)\n" } ?? "")  chart:
            spec:
              chart: keda
              version: "\(version)"\(comment)
              sourceRef: {kind: HelmRepository, name: kedacore, namespace: flux-system}
          upgrade:
            remediation: {retries: \(retries)}
          values: {replicas: \(replicas)}

        """
    }

    static func binding(role: String = "view", subjects: [String] = ["ci"]) -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: ops}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \(role)}
        subjects:
        \(subjects.map { "  - {kind: ServiceAccount, name: \($0), namespace: ops}" }.joined(separator: "\n"))

        """
    }

    static func role(kind: String = "Role", verbs: [String] = ["get"], resources: [String] = ["pods"]) -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: \(kind)
        metadata: {name: reader\(kind == "Role" ? ", namespace: apps" : "")}
        rules:
          - apiGroups: [""]
            resources: [\(resources.map { "\"\($0)\"" }.joined(separator: ", "))]
            verbs: [\(verbs.map { "\"\($0)\"" }.joined(separator: ", "))]

        """
    }

    static let cases: [DangerCase] = [
        DangerCase(
            name: "selector changed", before: deployment(), after: deployment(selector: "web-v2"),
            expected: ["immutable-selector"]),
        DangerCase(name: "replicas changed", before: deployment(), after: deployment(replicas: 3), expected: []),
        DangerCase(
            name: "DaemonSet selector changed", before: deployment(kind: "DaemonSet"),
            after: deployment(selector: "agent", kind: "DaemonSet"), expected: ["immutable-selector"]),
        DangerCase(
            name: "StatefulSet serviceName changed", before: statefulSet(),
            after: statefulSet(serviceName: "db-headless"), expected: ["immutable-statefulset"]),
        DangerCase(
            name: "StatefulSet claim template changed", before: statefulSet(), after: statefulSet(storage: "20Gi"),
            expected: ["immutable-statefulset"]),
        DangerCase(name: "StatefulSet scaled", before: statefulSet(), after: statefulSet(replicas: 3), expected: []),
        DangerCase(
            name: "Service made headless", before: service(), after: service(clusterIP: "None"),
            expected: ["immutable-service-ip"]),
        DangerCase(
            name: "Service cluster IP changed", before: service(clusterIP: "10.0.0.10"),
            after: service(clusterIP: "10.0.0.11"), expected: ["immutable-service-ip"]),
        DangerCase(name: "Service port changed", before: service(), after: service(port: 8080), expected: []),
        DangerCase(
            name: "Job template changed", before: job(), after: job(image: "busybox:1.36.1"),
            expected: ["immutable-job-template"]),
        DangerCase(name: "Job label changed", before: job(), after: job(label: "b"), expected: []),
        DangerCase(
            name: "claim storage class changed", before: claim(), after: claim(storageClass: "slow"),
            expected: ["immutable-claim"]),
        DangerCase(name: "claim shrunk", before: claim(), after: claim(storage: "5Gi"), expected: ["immutable-claim"]),
        DangerCase(
            name: "claim access mode changed", before: claim(), after: claim(mode: "ReadWriteMany"),
            expected: ["immutable-claim"]),
        DangerCase(name: "claim grown", before: claim(), after: claim(storage: "20Gi"), expected: []),
        DangerCase(
            name: "Namespace removed", before: namespace + "---\n" + configMap, after: configMap,
            expected: ["deletes-namespace"]),
        DangerCase(name: "Namespace added", before: configMap, after: namespace + "---\n" + configMap, expected: []),
        DangerCase(
            name: "CRD removed", before: crd() + "---\n" + configMap, after: configMap, expected: ["deletes-crd"]),
        DangerCase(name: "CRD version added", before: crd(), after: crd(versions: ["v1", "v2"]), expected: []),
        DangerCase(
            name: "claim removed", before: claim() + "---\n" + configMap, after: configMap, expected: ["deletes-volume"]
        ),
        DangerCase(name: "ConfigMap removed", before: configMap + "---\n" + service(), after: service(), expected: []),
        DangerCase(
            name: "pruning Kustomization removed", before: kustomization() + "---\n" + configMap, after: configMap,
            expected: ["deletes-pruning-kustomization"]),
        DangerCase(
            name: "non-pruning Kustomization removed", before: kustomization(prune: false) + "---\n" + configMap,
            after: configMap, expected: []),
        DangerCase(
            name: "orphaning Kustomization removed",
            before: kustomization(deletionPolicy: "Orphan") + "---\n" + configMap, after: configMap, expected: []),
        DangerCase(
            name: "HelmRelease removed", before: helmRelease() + "---\n" + configMap, after: configMap,
            expected: ["deletes-helmrelease"]),
        DangerCase(
            name: "HelmRelease values changed", before: helmRelease(), after: helmRelease(replicas: 2), expected: []),
        DangerCase(
            name: "prune turned on", before: kustomization(prune: false), after: kustomization(prune: true),
            expected: ["prune-enabled"]),
        DangerCase(
            name: "Kustomization interval changed", before: kustomization(), after: kustomization(interval: "5m"),
            expected: []),
        DangerCase(
            name: "Kustomization suspended", before: kustomization(), after: kustomization(suspend: true),
            expected: ["suspend-changed"]),
        DangerCase(
            name: "deletion policy set", before: kustomization(), after: kustomization(deletionPolicy: "Orphan"),
            expected: ["deletion-policy-changed"]),
        DangerCase(
            name: "targetNamespace changed", before: kustomization(), after: kustomization(targetNamespace: "apps"),
            expected: ["inventory-replaced"]),
        DangerCase(
            name: "path changed", before: kustomization(), after: kustomization(path: "./platform/service-configs"),
            expected: ["inventory-replaced"]),
        DangerCase(
            name: "sourceRef changed", before: kustomization(), after: kustomization(source: "flux-system"),
            expected: ["inventory-replaced"]),
        DangerCase(
            name: "path spelled differently", before: kustomization(), after: kustomization(path: "platform/configs/"),
            expected: []),
        DangerCase(
            name: "release name set", before: helmRelease(), after: helmRelease(releaseName: "keda-operator"),
            expected: ["release-identity-changed"]),
        DangerCase(
            name: "storage namespace set", before: helmRelease(), after: helmRelease(storageNamespace: "flux-system"),
            expected: ["release-identity-changed"]),
        DangerCase(
            name: "release name written as its default", before: helmRelease(), after: helmRelease(releaseName: "keda"),
            expected: []),
        DangerCase(
            name: "remediation turned off", before: helmRelease(), after: helmRelease(retries: 0),
            expected: ["remediation-disabled"]),
        DangerCase(
            name: "more remediation retries", before: helmRelease(), after: helmRelease(retries: 5), expected: []),
        DangerCase(
            name: "binding to cluster-admin", before: binding(), after: binding(role: "cluster-admin"),
            expected: ["binds-cluster-admin"]),
        DangerCase(
            name: "cluster-admin bound to one more subject", before: binding(role: "cluster-admin"),
            after: binding(role: "cluster-admin", subjects: ["ci", "deploy"]), expected: ["binds-cluster-admin"]),
        DangerCase(
            name: "view bound to one more subject", before: binding(), after: binding(subjects: ["ci", "deploy"]),
            expected: []),
        DangerCase(
            name: "wildcard verbs", before: role(kind: "ClusterRole"), after: role(kind: "ClusterRole", verbs: ["*"]),
            expected: ["wildcard-rbac"]),
        DangerCase(
            name: "wildcard resources", before: role(), after: role(resources: ["*"]), expected: ["wildcard-rbac"]),
        DangerCase(
            name: "Role widened", before: role(), after: role(verbs: ["get", "list"]), expected: ["role-widened"]),
        DangerCase(name: "Role narrowed", before: role(verbs: ["get", "list"]), after: role(), expected: []),
        DangerCase(
            name: "chart major upgrade", before: helmRelease(), after: helmRelease(version: "3.0.0"),
            expected: ["major-upgrade"]),
        DangerCase(
            name: "image major upgrade", before: deployment(), after: deployment(image: "nginx:2.0.0"),
            expected: ["major-upgrade"]),
        DangerCase(
            name: "chart minor upgrade", before: helmRelease(), after: helmRelease(version: "2.15.0"), expected: []),
        DangerCase(
            name: "chart downgrade", before: helmRelease(version: "2.15.0"), after: helmRelease(),
            expected: ["downgrade"]),
        DangerCase(
            name: "image downgrade", before: deployment(image: "nginx:1.25.3"),
            after: deployment(image: "nginx:1.24.0"), expected: ["downgrade"]),
        DangerCase(
            name: "image patch upgrade", before: deployment(), after: deployment(image: "nginx:1.25.4"), expected: []),
        DangerCase(
            name: "downgrade silenced on its line", before: helmRelease(version: "2.15.0"),
            after: helmRelease(comment: "  # lockmaster:ignore=downgrade"), expected: [], silenced: ["downgrade"]),
        DangerCase(
            name: "two findings in one change", before: deployment(),
            after: deployment(selector: "web-v2", image: "nginx:0.9.0"),
            expected: ["downgrade", "immutable-selector"]),
    ]
}
