public import Foundation
import Artifacts
import Manifests
import Platform
public import Support

/// What `lockmaster render ENV` is asked to do.
public struct RenderRequest: Sendable {
    public var repository: URL
    public var environment: String
    /// Render the repository as of this git ref instead of the work tree. Every GitRepository of the
    /// render reads the same revision.
    public var ref: String?
    /// The artifact version the environment's OCIRepository would pull, instead of what it resolves to.
    public var version: String?

    public init(repository: URL, environment: String, ref: String? = nil, version: String? = nil) {
        self.repository = repository
        self.environment = environment
        self.ref = ref
        self.version = version
    }
}

/// Renders what Flux would apply for an environment: its entry directory, then every Flux Kustomization
/// found, recursively, through its source and path; `postBuild` substitution applied.
public struct PlatformRenderer: Sendable {
    private let access: RegistryAccess
    private let runner: any ProcessRunner
    private let kubectl: String

    public init(access: RegistryAccess = RegistryAccess(), runner: any ProcessRunner = SystemProcessRunner(),
                kubectl: String = ProcessInfo.processInfo.environment["LOCKMASTER_KUBECTL"] ?? "kubectl") {
        self.access = access
        self.runner = runner
        self.kubectl = kubectl
    }

    public func run(_ request: RenderRequest) async throws -> RenderReport {
        let trees = try SourceTrees(repository: request.repository)
        defer { Task { await trees.removeAll() } }
        let snapshot = try await trees.git(request.ref)
        let repository = try PlatformRepository.load(root: snapshot)
        guard let environment = repository.environment(named: request.environment) else {
            throw ResolveError.unknownEnvironment(request.environment, known: repository.environments.map(\.name))
        }
        let builder = KustomizeBuilder(runner: runner, kubectl: kubectl)
        var report = RenderReport(environment: environment.name, objects: [], problems: [], warnings: [])
        let entry = "flux-system/flux-system"

        func build(_ label: String, tree: URL, path: String, spec: YAMLNode?) async {
            do {
                let built = try await builder.build(tree: tree, path: path, spec: spec, scratch: try await trees.scratch())
                var objects = built.map { RenderedObject(kustomization: label, source: $0.source, node: $0.node) }
                if let spec { objects = substitute(objects, spec: spec, label: label, known: report.objects + objects, warnings: &report.warnings) }
                report.objects += objects
            } catch {
                report.problems.append(RenderProblem(kustomization: label, path: "./" + path, message: "\(error)"))
            }
        }

        await build(entry, tree: snapshot, path: environment.directory, spec: nil)
        var visited: Set<String> = [entry]
        var index = 0
        while index < report.objects.count {
            let rendered = report.objects[index]
            index += 1
            guard rendered.apiVersion.hasPrefix(FluxAPI.kustomizeGroup + "/"), rendered.kind == "Kustomization",
                  let kustomization = FluxKustomization(object(rendered)) else { continue }
            let label = "\(kustomization.object.effectiveNamespace)/\(kustomization.object.name ?? "")"
            guard visited.insert(label).inserted else { continue }
            guard let reference = kustomization.sourceRef,
                  let source = report.objects.first(where: { object($0).reference == reference && object($0).kind == reference.kind }) else {
                report.problems.append(RenderProblem(kustomization: label, path: "./" + kustomization.normalizedPath,
                                                     message: "its source \(kustomization.sourceRef?.description ?? "(none)") is not in the render"))
                continue
            }
            do {
                let tree = try await sourceTree(object(source), environment: environment, request: request, settings: repository.settings, trees: trees)
                await build(label, tree: tree, path: kustomization.normalizedPath, spec: rendered.node["spec"])
            } catch {
                report.problems.append(RenderProblem(kustomization: label, path: "./" + kustomization.normalizedPath, message: "source unavailable: \(error)"))
            }
        }
        return report
    }

    private func object(_ rendered: RenderedObject) -> KubernetesObject {
        KubernetesObject(apiVersion: rendered.apiVersion, kind: rendered.kind, name: rendered.name, namespace: rendered.namespace,
                         location: SourceLocation(path: rendered.source ?? rendered.kustomization), documentIndex: 0, root: rendered.node)
    }

    /// The content a source delivers: the snapshot for git, the resolved (or requested) artifact for OCI.
    private func sourceTree(_ source: KubernetesObject, environment: PlatformEnvironment, request: RenderRequest,
                            settings: LockmasterSettings, trees: SourceTrees) async throws -> URL {
        if GitRepository(source) != nil { return try await trees.git(request.ref) }
        guard let oci = OCIRepository(source) else { throw ResolveError.notOCI(environment: source.displayName, kind: source.kind, ref: nil) }
        let isPlatform = environment.source?.object.reference == source.reference
        guard let target = (isPlatform ? settings.artifact : nil) ?? oci.url else { throw ResolveError.noRepository }
        let store = try await access.store(for: target, relativeTo: request.repository)
        var tag: String
        if isPlatform, let version = request.version {
            tag = version
        } else if let digest = oci.ref?.digest {
            return try await trees.artifact(digest, digest: digest, from: store)
        } else if let range = oci.ref?.semver {
            tag = try TagSelector.select(from: try await store.listTags(), range: try SemverRange(range), filter: oci.ref?.semverFilter).tag
        } else {
            tag = oci.ref?.tag ?? "latest"
        }
        guard let digest = try await store.manifestDigest(tag) else { throw ResolveError.tagMissing(tag: tag, repository: store.location) }
        return try await trees.artifact(tag, digest: digest, from: store)
    }

    /// `postBuild`: variables from `substituteFrom` (ConfigMaps found in the render, in order; Secrets
    /// stay placeholders) and `substitute` (last wins), applied per object unless it opts out.
    private func substitute(_ objects: [RenderedObject], spec: YAMLNode, label: String, known: [RenderedObject], warnings: inout [String]) -> [RenderedObject] {
        guard let postBuild = spec["postBuild"] else { return objects }
        var variables: [String: String] = [:]
        for reference in postBuild["substituteFrom"]?.items ?? [] {
            let kind = reference.string(at: ["kind"]) ?? "ConfigMap", name = reference.string(at: ["name"]) ?? ""
            let optional = reference.string(at: ["optional"]) == "true"
            guard let found = known.first(where: { $0.kind == kind && $0.name == name }) else {
                if !optional { warnings.append("\(label): substituteFrom \(kind)/\(name) is not in the render; its variables are left empty") }
                continue
            }
            for pair in found.node["data"]?.pairs ?? [] {
                guard let key = pair.key.string else { continue }
                // Secret values are never rendered: the variable stays a placeholder.
                variables[key] = kind == "Secret" ? "${\(key)}" : pair.value.string ?? ""
            }
            if kind == "Secret" { warnings.append("\(label): variables from Secret \(name) are left as placeholders") }
        }
        for pair in postBuild["substitute"]?.pairs ?? [] {
            if let key = pair.key.string { variables[key] = pair.value.string ?? "" }
        }
        let always = postBuild.string(at: ["substituteStrategy"]) == "Always"
        guard always || !variables.isEmpty else { return objects }
        let optOut = "kustomize.toolkit.fluxcd.io/substitute"
        return objects.map { rendered in
            if rendered.node.string(at: ["metadata", "labels", optOut]) == "disabled"
                || rendered.node.string(at: ["metadata", "annotations", optOut]) == "disabled" { return rendered }
            var substitution = Substitution(variables: variables)
            do {
                let text = try substitution.apply(rendered.node.yamlText())
                if !substitution.undefined.isEmpty {
                    warnings.append("\(label): \(rendered.key) uses undefined variables \(substitution.undefined.joined(separator: ", ")) (empty)")
                }
                guard let node = try YAMLDocumentReader.documents(in: text).first else { return rendered }
                var copy = rendered
                copy.node = node
                return copy
            } catch {
                warnings.append("\(label): \(rendered.key): substitution failed: \(error)")
                return rendered
            }
        }
    }
}
