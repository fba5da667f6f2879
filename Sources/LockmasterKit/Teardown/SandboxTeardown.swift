public import Foundation
public import Platform

/// What `lockmaster sandbox delete NAME` is asked to plan.
public struct TeardownRequest: Sendable {
    public var repository: URL
    public var name: String
    /// Build without the kernel wall (`RenderRequest.unconfined`).
    public var unconfined: Bool
    /// The settings to plan with (gc: the branch of record's, never the sandbox branch's); nil: the work tree's.
    public var settings: LockmasterSettings?

    public init(repository: URL, name: String, unconfined: Bool = false, settings: LockmasterSettings? = nil) {
        self.repository = repository
        self.name = name
        self.unconfined = unconfined
        self.settings = settings
    }
}

/// Plans a sandbox's teardown from what its directory and sources would apply.
public struct SandboxTeardown: Sendable {
    private let renderer: PlatformRenderer

    public init(access: RegistryAccess = RegistryAccess()) {
        renderer = PlatformRenderer(access: access)
    }

    /// The plan, and the objects it was made from; `cluster` (a live view, such as
    /// `TeardownExecutor.clusterView`) may add to and refine the objects before the plan is made.
    public func plan(
        _ request: TeardownRequest,
        cluster: (@Sendable ([TeardownObject]) async throws -> [TeardownObject])? = nil
    ) async throws -> (plan: TeardownPlan, objects: [TeardownObject]) {
        let settings = try request.settings ?? SettingsLoader.load(repositoryRoot: request.repository)
        let sandbox = Sandbox(name: request.name, settings: settings)
        try sandbox.requireDirectory(in: request.repository)
        let report = try await renderer.run(
            {
                var render = RenderRequest(
                    repository: request.repository, environment: sandbox.environment, unconfined: request.unconfined)
                render.settings = request.settings
                return render
            }())
        var objects = TeardownInventory.objects(from: report.objects)
        if let cluster { objects = try await cluster(objects) }
        var plan = TeardownPlanner.plan(
            sandbox: sandbox.environment, objects: objects, hooks: settings.sandbox.hooks.destroy)
        plan.warnings =
            report.problems.map {
                "\($0.kustomization) (\($0.path)) could not be rendered: \($0.message); its objects are not in the plan"
            }
            + plan.warnings
        return (plan, objects)
    }
}
