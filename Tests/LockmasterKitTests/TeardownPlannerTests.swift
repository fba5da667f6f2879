import LockmasterKit
import Manifests
import Testing

/// The teardown order, checked against its rules on graphs built for each case.
@Suite struct TeardownPlannerTests {
    func ks(
        _ name: String, _ namespace: String = "flux-system", dependsOn: [String] = [], suspended: Bool = false,
        prune: Bool = true,
        provides: [String] = [], owns: [String] = [], external: Bool = false, policy: String? = nil
    ) -> TeardownObject {
        TeardownObject(
            kind: "Kustomization", namespace: namespace, name: name, dependsOn: dependsOn.map { "Kustomization/\($0)" },
            suspended: suspended, prune: prune, deletionPolicy: policy,
            appliedBy: "Kustomization/flux-system/flux-system",
            providesCRDGroups: provides, ownsCustomResourceGroups: owns, externalState: external)
    }

    func hr(_ name: String, _ namespace: String, dependsOn: [String] = [], appliedBy: String, provides: [String] = [])
        -> TeardownObject
    {
        TeardownObject(
            kind: "HelmRelease", namespace: namespace, name: name, dependsOn: dependsOn.map { "HelmRelease/\($0)" },
            appliedBy: "Kustomization/\(appliedBy)", providesCRDGroups: provides)
    }

    /// The step number of each deleted object.
    func order(_ plan: TeardownPlan) -> [ObjectReference: Int] {
        Dictionary(
            plan.steps.filter { $0.action == .delete }.map { ($0.object!, $0.number) },
            uniquingKeysWith: { first, _ in first })
    }

    /// Every rule of the planner holds for every pair of objects in the plan.
    func checkRules(_ plan: TeardownPlan, _ objects: [TeardownObject], allowCycles: Bool = false) {
        let at = order(plan)
        #expect(at["Kustomization/flux-system/flux-system"] == nil, "flux-system is never deleted")
        #expect(plan.steps.filter { $0.action == .suspend }.map(\.object) == ["Kustomization/flux-system/flux-system"])
        guard !allowCycles else { return }
        for object in objects {
            guard let mine = at[object.id] else { continue }
            for dependency in object.dependsOn {
                if let theirs = at[dependency] {
                    #expect(mine < theirs, "\(object.id) before its dependency \(dependency)")
                }
            }
            if let parent = object.appliedBy, let theirs = at[parent] {
                #expect(mine < theirs, "\(object.id) before \(parent), which applies it")
            }
            for provider in objects
            where provider.id != object.id
                && !Set(provider.providesCRDGroups).isDisjoint(with: object.ownsCustomResourceGroups)
            {
                if let theirs = at[provider.id] {
                    #expect(mine < theirs, "\(object.id) before the CRD provider \(provider.id)")
                }
            }
        }
    }

    /// What installs Flux (a flux-operator HelmRelease) and the Kustomization applying it go after every
    /// other object and after the sources: Flux's controllers serve the finalizers until then.
    @Test func whatInstallsFluxGoesLast() {
        var operatorRelease = hr("flux-operator", "flux-system", appliedBy: "flux-system/flux")
        operatorRelease.installsFlux = true
        let source = TeardownObject(kind: "HelmRepository", namespace: "flux-system", name: "charts")
        let plan = TeardownPlanner.plan(
            sandbox: "sandbox-x",
            objects: [
                ks("flux"), operatorRelease, ks("apps"), hr("keda", "keda", appliedBy: "flux-system/apps"), source,
            ],
            hooks: [])
        let steps = order(plan)
        let last = [steps["HelmRelease/flux-system/flux-operator"]!, steps["Kustomization/flux-system/flux"]!]
        #expect(last.allSatisfy { $0 > steps["HelmRepository/flux-system/charts"]! }, "\(plan.steps)")
        #expect(last.allSatisfy { $0 > steps["Kustomization/flux-system/apps"]! })
        #expect(steps["HelmRelease/flux-system/flux-operator"]! < steps["Kustomization/flux-system/flux"]!)
    }

    @Test func chain() {
        let objects = [ks("a"), ks("b", dependsOn: ["flux-system/a"]), ks("c", dependsOn: ["flux-system/b"])]
        let plan = TeardownPlanner.plan(sandbox: "s", objects: objects, hooks: [])
        checkRules(plan, objects)
        #expect(
            plan.steps.filter { $0.action == .delete }.map(\.object) == [
                "Kustomization/flux-system/c", "Kustomization/flux-system/b", "Kustomization/flux-system/a",
            ])
        #expect(plan.steps.filter { $0.action == .delete }.map(\.wave) == [1, 2, 3])
    }

    @Test func diamondAndCrossNamespace() {
        let objects = [
            ks("base", "infra"), ks("left", dependsOn: ["infra/base"]), ks("right", "apps", dependsOn: ["infra/base"]),
            ks("top", dependsOn: ["flux-system/left", "apps/right"]),
        ]
        let plan = TeardownPlanner.plan(sandbox: "s", objects: objects, hooks: [])
        checkRules(plan, objects)
        let at = order(plan)
        #expect(plan.steps.first { $0.object == "Kustomization/infra/base" }?.wave == 3)
        #expect(at["Kustomization/flux-system/top"]! < at["Kustomization/apps/right"]!)
    }

    @Test func helmReleasesBeforeTheirKustomizationAndTheirDependencies() {
        let objects = [
            ks("services"), hr("cert-manager", "cert-manager", appliedBy: "flux-system/services"),
            hr("issuer", "cert-manager", dependsOn: ["cert-manager/cert-manager"], appliedBy: "flux-system/services"),
        ]
        let plan = TeardownPlanner.plan(sandbox: "s", objects: objects, hooks: [])
        checkRules(plan, objects)
        #expect(order(plan)["HelmRelease/cert-manager/issuer"]! < order(plan)["HelmRelease/cert-manager/cert-manager"]!)
    }

    @Test func aCRDProviderGoesAfterItsTwoConsumers() {
        let objects = [
            ks("operators", provides: ["keda.sh"]), ks("scaling-a", owns: ["keda.sh"]),
            ks("scaling-b", "apps", owns: ["keda.sh"]),
            ks("unrelated", owns: ["example.com"]), ks("annotated", provides: ["*"]),
        ]
        let plan = TeardownPlanner.plan(sandbox: "s", objects: objects, hooks: [])
        checkRules(plan, objects)
        let at = order(plan)
        #expect(at["Kustomization/flux-system/scaling-a"]! < at["Kustomization/flux-system/operators"]!)
        #expect(at["Kustomization/apps/scaling-b"]! < at["Kustomization/flux-system/operators"]!)
        // An annotated provider of unknown CRDs waits for everything that owns custom resources.
        #expect(at["Kustomization/flux-system/unrelated"]! < at["Kustomization/flux-system/annotated"]!)
    }

    @Test func externalStateFirstWithinItsWave() {
        let objects = [ks("a-plain"), ks("z-load-balancer", external: true)]
        let plan = TeardownPlanner.plan(sandbox: "s", objects: objects, hooks: [])
        #expect(
            plan.steps.filter { $0.action == .delete }.map(\.object) == [
                "Kustomization/flux-system/z-load-balancer", "Kustomization/flux-system/a-plain",
            ])
    }

    @Test func cyclesSuspensionAndOrphansAreReported() {
        let objects = [
            ks("a", dependsOn: ["flux-system/b"]), ks("b", dependsOn: ["flux-system/a"]), ks("paused", suspended: true),
            ks("keeper", prune: false), ks("orphaner", policy: "Orphan"),
        ]
        let plan = TeardownPlanner.plan(sandbox: "s", objects: objects, hooks: [])
        checkRules(plan, objects, allowCycles: true)
        #expect(
            plan.warnings.contains {
                $0.hasPrefix("ordering cycle among Kustomization/flux-system/a, Kustomization/flux-system/b")
            })
        #expect(plan.warnings.contains { $0.hasPrefix("Kustomization/flux-system/keeper has prune: false") })
        #expect(
            plan.warnings.contains { $0.hasPrefix("Kustomization/flux-system/orphaner has deletionPolicy: Orphan") })
        let resume = plan.steps.first { $0.action == .resume }
        #expect(resume?.object == "Kustomization/flux-system/paused")
        #expect(resume!.number < order(plan)["Kustomization/flux-system/paused"]!)
        #expect(Set(order(plan).keys).isSuperset(of: ["Kustomization/flux-system/a", "Kustomization/flux-system/b"]))
    }
}
