import Manifests

/// RBAC changes that grant more.
enum PrivilegeRules: DangerCheck {
    static let rules: [DangerRule] = [.bindsClusterAdmin, .wildcardRBAC, .roleWidened]

    static let group = "rbac.authorization.k8s.io"

    static func check(_ change: ObjectChange) -> [DangerHit] {
        guard change.group == Self.group, let new = change.new else { return [] }
        if change.kind == "ClusterRoleBinding" || change.kind == "RoleBinding" {
            guard new.node.string(at: ["roleRef", "kind"]) == "ClusterRole",
                new.node.string(at: ["roleRef", "name"]) == "cluster-admin"
            else { return [] }
            let before = change.old.map { subjects($0.node) } ?? []
            let boundBefore = change.old?.node.string(at: ["roleRef", "name"]) == "cluster-admin"
            let added = subjects(new.node).subtracting(boundBefore ? before : [])
            guard !added.isEmpty else { return [] }
            return [
                DangerHit(
                    rule: .bindsClusterAdmin, field: ["roleRef"],
                    message: "cluster-admin bound to \(added.sorted().joined(separator: ", "))")
            ]
        }
        guard change.kind == "ClusterRole" || change.kind == "Role" else { return [] }
        let before = change.old.map { permissions($0.node) } ?? []
        let after = permissions(new.node)
        let gained = after.subtracting(before)
        let wildcards = gained.filter { $0.verb == "*" || $0.resource == "*" }
        var hits: [DangerHit] = []
        if !wildcards.isEmpty {
            hits.append(DangerHit(rule: .wildcardRBAC, field: ["rules"], message: "grants " + describe(wildcards)))
        }
        let others = gained.subtracting(wildcards)
        if change.old != nil, !others.isEmpty {
            hits.append(DangerHit(rule: .roleWidened, field: ["rules"], message: "now also grants " + describe(others)))
        }
        return hits
    }

    struct Permission: Hashable {
        var group: String, resource: String, verb: String
    }

    /// Every (API group, resource, verb) a role's rules grant.
    static func permissions(_ node: YAMLNode) -> Set<Permission> {
        var result: Set<Permission> = []
        for rule in node.node(at: ["rules"])?.items ?? [] {
            let groups = rule["apiGroups"]?.items?.compactMap(\.string) ?? [""]
            let resources =
                rule["resources"]?.items?.compactMap(\.string)
                ?? (rule["nonResourceURLs"]?.items?.compactMap(\.string) ?? [])
            for group in groups.isEmpty ? [""] : groups {
                for resource in resources {
                    for verb in rule["verbs"]?.items?.compactMap(\.string) ?? [] {
                        result.insert(Permission(group: group, resource: resource, verb: verb))
                    }
                }
            }
        }
        return result
    }

    static func subjects(_ node: YAMLNode) -> Set<String> {
        Set(
            (node.node(at: ["subjects"])?.items ?? []).map { subject in
                [
                    subject.string(at: ["kind"]) ?? "", subject.string(at: ["namespace"]),
                    subject.string(at: ["name"]) ?? "",
                ].compactMap { $0 }.joined(separator: "/")
            })
    }

    private static func describe(_ permissions: Set<Permission>) -> String {
        let shown = permissions.map { "\($0.verb) \($0.resource)" + ($0.group.isEmpty ? "" : ".\($0.group)") }.sorted()
        return shown.prefix(5).joined(separator: ", ") + (shown.count > 5 ? " and \(shown.count - 5) more" : "")
    }
}
