import Manifests
import Platform
import Support

/// The objects one environment's build brings together: its own directory, and every directory its
/// Flux Kustomizations point at (followed recursively), read from the work tree. For OCI-sourced
/// Kustomizations the artifact holds the repository's platform paths, so the same paths apply.
struct EnvironmentScope {
    var environment: PlatformEnvironment
    var objects: [KubernetesObject]

    static func build(_ environment: PlatformEnvironment, all: [KubernetesObject]) -> EnvironmentScope {
        var directories: Set<String> = [environment.directory]
        var pending = environment.objects.compactMap(FluxKustomization.init)
        var objects = environment.objects
        var seen = Set(objects.map(\.location))
        while let kustomization = pending.popLast() {
            let path = kustomization.normalizedPath
            guard !path.isEmpty, !directories.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else { continue }
            directories.insert(path)
            for object in all where object.location.path.hasPrefix(path + "/") && !seen.contains(object.location) {
                seen.insert(object.location)
                objects.append(object)
                if let nested = FluxKustomization(object) { pending.append(nested) }
            }
        }
        return EnvironmentScope(environment: environment, objects: objects)
    }
}
