import Manifests
import Support

/// Finds an environment's Flux entry, platform Kustomizations and platform source, and classifies it.
struct EnvironmentReader {
    let settings: LockmasterSettings

    /// - Parameter instances: the Flux Operator instances found anywhere in the repository; the one whose
    ///   `spec.sync.path` is this directory syncs it (home-ops repositories keep it among the apps).
    func read(name: String, directory: String, objects: [KubernetesObject], instances: [FluxInstance] = [])
        -> PlatformEnvironment
    {
        let kustomizations = objects.compactMap(FluxKustomization.init)
        // `flux bootstrap` writes the sync Kustomization `flux-system` under <env>/flux-system/.
        let entry = kustomizations.first {
            $0.object.name == "flux-system" && $0.object.location.path.hasPrefix("\(directory)/flux-system/")
        }
        let instance = Self.instance(syncing: directory, objects: objects, instances: instances)
        // Only what Flux applies: a Kustomization its kustomization.yaml leaves out (or comments out) is not.
        let applied = AppliedNamespaces.applied(
            objects, roots: [directory] + [entry?.normalizedPath, instance?.sync?.normalizedPath].compactMap { $0 })
        let generated = GeneratedSources(objects: objects, settings: settings)
        let platform = kustomizations.filter { kustomization in
            kustomization != entry && applied.contains(kustomization.object.location.path)
                && (settings.platformPaths.contains { isPath(kustomization.normalizedPath, under: $0) }
                    || generated.gitSources(of: kustomization) != nil)
        }
        var environment = PlatformEnvironment(
            name: name, directory: directory, entry: entry,
            instance: instance,
            platformKustomizations: platform, source: nil,
            classification: Classification(kind: .unknown), objects: objects
        )
        let paths = settings.platformPaths.map { "./\($0)" }.joined(separator: ", ")
        guard !platform.isEmpty else {
            // An operator-synced environment with no platform Kustomization follows its sync itself.
            if let sync = environment.instance?.sync {
                environment.classification = EnvironmentClassifier.classify(sync)
                return environment
            }
            // A cluster whose entry applies only Flux (a management cluster) follows its entry's source.
            if let reference = entry?.sourceRef,
                let source = objects.lazy.filter({ $0.reference == reference }).compactMap(PlatformSource.init).first
            {
                environment.classification = EnvironmentClassifier.classify(source)
                environment.classification.reason =
                    "nothing it applies is under \(paths) (platformPaths in lockmaster.yaml): classified by its entry's source, \(reference)"
                return environment
            }
            environment.classification.reason =
                kustomizations.isEmpty
                ? "no Flux Kustomization in \(directory)"
                : "no Flux Kustomization in \(directory) has a path under \(paths) (platformPaths in lockmaster.yaml)"
            return environment
        }
        // A Kustomization of an ExternalArtifact follows the GitRepository its generator copies from.
        let references = Set(platform.flatMap { generated.gitSources(of: $0) ?? [$0.sourceRef].compactMap { $0 } })
        guard references.count == 1, let reference = references.first else {
            let listed = references.map(\.description).sorted().joined(separator: ", ")
            // Tenants with a GitRepository each (flux-mt-demo): when every source is declared here and follows
            // the same branch, so does the environment. None is the platform's source, so none is ever edited.
            let classifications = references.map { reference in
                objects.lazy.filter { $0.reference == reference }.compactMap(PlatformSource.init).first.map {
                    EnvironmentClassifier.classify($0)
                }
            }
            if references.count > 1, case var agreed?? = classifications.first, agreed.kind == .tracksBranch,
                classifications.allSatisfy({ $0 == agreed })
            {
                agreed.reason =
                    "the platform Kustomizations use \(references.count) sources, all following branch \(agreed.ref ?? ""): \(listed)"
                environment.classification = agreed
                return environment
            }
            environment.classification.reason =
                references.isEmpty
                ? "the platform Kustomizations have no sourceRef"
                : "the platform Kustomizations use \(references.count) different sources: \(listed)"
            return environment
        }
        let source = objects.lazy.filter { $0.reference == reference }.compactMap(PlatformSource.init).first
        guard let source else {
            if let instance = environment.instance, let sync = instance.sync, instance.syncObjects.contains(reference) {
                environment.classification = EnvironmentClassifier.classify(sync)
            } else if entry == nil, reference == FluxAPI.bootstrapSource, !name.hasPrefix("sandbox-") {
                // Before bootstrap: `flux bootstrap --branch` will write the source; an environment of the
                // repository is bootstrapped on the branch of record (a sandbox, on its own branch).
                environment.classification = Classification(
                    kind: .tracksBranch, ref: settings.branch, refField: .branch,
                    reason:
                        "not bootstrapped yet: flux bootstrap will write \(reference) into \(directory)/flux-system; "
                        + "taken to follow the branch of record, \(settings.branch) (bootstrap with --branch=\(settings.branch))"
                )
            } else if entry == nil, reference == FluxAPI.bootstrapSource {
                environment.classification.reason =
                    "sourceRef \(reference) is the source flux bootstrap writes, and it has not run for \(directory) yet"
            } else {
                environment.classification.reason = "sourceRef \(reference) is not declared in \(directory)"
            }
            return environment
        }
        environment.source = source
        environment.classification = EnvironmentClassifier.classify(source)
        return environment
    }

    /// The instance whose sync path is `directory`, else one declared inside it with a sync.
    static func instance(syncing directory: String, objects: [KubernetesObject], instances: [FluxInstance])
        -> FluxInstance?
    {
        let own = objects.compactMap(FluxInstance.init).filter { $0.sync != nil }
        let candidates = own + instances
        return candidates.first { $0.sync?.normalizedPath == directory }
            ?? candidates.first { $0.sync?.normalizedPath.hasPrefix(directory + "/") == true } ?? own.first
    }

}

/// ExternalArtifacts that an ArtifactGenerator assembles from platform folders of this repository
/// (flux2-kustomize-helm-example copies `apps/staging/**` into the artifact its `apps` Kustomization reads).
struct GeneratedSources {
    let generators: [ArtifactGenerator]
    let settings: LockmasterSettings

    init(objects: [KubernetesObject], settings: LockmasterSettings) {
        generators = objects.compactMap(ArtifactGenerator.init)
        self.settings = settings
    }

    /// The GitRepositories a Kustomization's ExternalArtifact is copied from, when every copy reads a
    /// folder under the platform paths; nil otherwise.
    func gitSources(of kustomization: FluxKustomization) -> [ObjectReference]? {
        guard let reference = kustomization.sourceRef, reference.kind == "ExternalArtifact",
            let copies = generators.first(where: { $0.artifacts.contains(reference) })?.gitCopies(into: reference),
            !copies.isEmpty,
            copies.allSatisfy({ copy in
                !copy.folder.isEmpty && settings.platformPaths.contains { isPath(copy.folder, under: $0) }
            })
        else { return nil }
        return copies.map(\.source)
    }
}

private func isPath(_ path: String, under prefix: String) -> Bool {
    path == prefix || path.hasPrefix(prefix + "/")
}
