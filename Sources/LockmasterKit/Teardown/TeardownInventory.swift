import Manifests

/// Turns rendered objects into the teardown's view of them: dependencies, owners, CRDs provided and
/// custom resources owned, suspension and deletion settings.
enum TeardownInventory {
    /// API groups of Kubernetes itself: objects in these are not custom resources.
    static let builtinGroups: Set<String> = [
        "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "apiextensions.k8s.io", "admissionregistration.k8s.io", "scheduling.k8s.io", "coordination.k8s.io",
        "discovery.k8s.io",
        "node.k8s.io", "certificates.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "apiregistration.k8s.io",
        "resource.k8s.io",
    ]

    /// The CRD groups a Kustomization's cluster inventory provides and the custom resource groups it
    /// owns. Entry ids are `<namespace>_<name>_<group>_<kind>` (FLUX.md §5.3); Kubernetes names hold no
    /// underscore, so the four parts split cleanly. A CRD's name is `<plural>.<group>`.
    static func groups(inventory ids: [String]) -> (provides: [String], owns: [String]) {
        var provides: Set<String> = []
        var owns: Set<String> = []
        for id in ids {
            let parts = id.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4 else { continue }
            let (name, group, kind) = (parts[1], parts[2], parts[3])
            if group == "apiextensions.k8s.io", kind == "CustomResourceDefinition", let dot = name.firstIndex(of: ".") {
                provides.insert(String(name[name.index(after: dot)...]))
            } else if !builtinGroups.contains(group), !group.hasSuffix(".toolkit.fluxcd.io") {
                owns.insert(group)
            }
        }
        return (provides.sorted(), owns.sorted())
    }

    static func objects(from rendered: [RenderedObject]) -> [TeardownObject] {
        var applied: [KustomizationID: [RenderedObject]] = [:]
        for object in rendered { applied[object.kustomization, default: []].append(object) }
        return rendered.compactMap { object in
            let group = object.apiVersion.split(separator: "/").dropLast().first.map(String.init) ?? ""
            let isFlux = group.hasSuffix(".toolkit.fluxcd.io")
            guard isFlux,
                ["Kustomization", "HelmRelease", "GitRepository", "OCIRepository", "HelmRepository", "Bucket"].contains(
                    object.kind)
            else { return nil }
            let namespace = object.namespace ?? "default"
            let spec = object.node["spec"]
            let dependsOn = (spec?["dependsOn"]?.items ?? []).compactMap { item -> ObjectReference? in
                guard let name = item.string(at: ["name"]) else { return nil }
                return ObjectReference(
                    kind: object.kind, name: name, namespace: item.string(at: ["namespace"]) ?? namespace)
            }
            let annotations = object.node.node(at: ["metadata", "annotations"])
            var provides: [String] = []
            var owns: [String] = []
            if object.kind == "Kustomization" {
                for child in applied[KustomizationID(namespace: namespace, name: object.name)] ?? [] {
                    let childGroup = child.apiVersion.split(separator: "/").dropLast().first.map(String.init) ?? ""
                    if child.kind == "CustomResourceDefinition",
                        let crdGroup = child.node.string(at: ["spec", "group"])
                    {
                        provides.append(crdGroup)
                    } else if !builtinGroups.contains(childGroup), !childGroup.hasSuffix(".toolkit.fluxcd.io") {
                        owns.append(childGroup)
                    }
                }
            }
            if annotations?.string(at: ["lockmaster.io/provides"]) == "crds" { provides.append("*") }
            let children =
                object.kind == "Kustomization"
                ? applied[KustomizationID(namespace: namespace, name: object.name)] ?? [] : []
            let installsFlux = Self.installsFlux(object) || children.contains(where: Self.installsFlux)
            var teardown = TeardownObject(
                kind: object.kind, namespace: namespace, name: object.name, dependsOn: dependsOn,
                suspended: spec?.string(at: ["suspend"]) == "true",
                prune: object.kind == "Kustomization" ? spec?.string(at: ["prune"]).map { $0 == "true" } ?? false : nil,
                deletionPolicy: spec?.string(at: ["deletionPolicy"]),
                appliedBy: object.kustomization.reference,
                providesCRDGroups: Array(Set(provides)).sorted(), ownsCustomResourceGroups: Array(Set(owns)).sorted(),
                externalState: annotations?.string(at: ["lockmaster.io/external-state"]) == "true"
            )
            teardown.installsFlux = installsFlux
            return teardown
        }
    }

    /// Flux's own installation: the flux-operator or flux-instance chart, a FluxInstance, or a
    /// Deployment of Flux's controllers.
    static func installsFlux(_ object: RenderedObject) -> Bool {
        switch object.kind {
        case "HelmRelease":
            let chart =
                object.node.string(at: ["spec", "chart", "spec", "chart"])
                ?? object.node.string(at: ["spec", "chartRef", "name"])
            return ["flux-operator", "flux-instance", "flux2"].contains(chart ?? "")
        case "FluxInstance":
            return true
        case "Deployment":
            return ["source-controller", "kustomize-controller", "helm-controller", "flux-operator"].contains(
                object.name)
        default:
            return false
        }
    }
}
