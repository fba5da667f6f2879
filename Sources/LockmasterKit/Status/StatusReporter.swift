public import Foundation
import Manifests
public import Platform
import Support

/// Builds the offline `status` view of every environment.
public enum StatusReporter {
    /// - Throws: `SettingsError` when `lockmaster.yaml` is invalid.
    public static func report(repositoryRoot root: URL) throws(SettingsError) -> StatusReport {
        report(for: try PlatformRepository.load(root: root))
    }

    public static func report(for repository: PlatformRepository) -> StatusReport {
        let clustersDir = repository.settings.clustersDir
        var report = StatusReport(
            repository: repository.root.path,
            clustersDir: clustersDir,
            environments: repository.environments.map {
                environment($0, root: repository.root, settings: repository.settings)
            },
            diagnostics: repository.diagnostics
        )
        report.notEnvironments = repository.notEnvironments
        // A symlinked manifest is declared in git but not applied: status says so, check makes it an error.
        report.diagnostics += repository.symlinks.filter {
            SymlinkRule.readByFlux(repository.root.appendingPathComponent($0))
        }.map {
            Diagnostic(
                .warning, at: SourceLocation(path: $0),
                "\($0) is a symlink: Flux leaves it out of its artifact, so what it declares is not applied",
                hint: "commit the file itself in its place (lockmaster check reports it as [symlink])")
        }
        let hint =
            "set clustersDir in \(LockmasterSettings.fileName) if your clusters live elsewhere, or run 'lockmaster init'"
        if !repository.hasClustersDirectory {
            report.explanation =
                "no environments: there is no \(repository.settings.clustersPrefix) directory in \(repository.root.path)"
            report.hint = hint
        } else if repository.environments.allSatisfy({ $0.objects.isEmpty }) {
            report.explanation =
                repository.notEnvironments.isEmpty
                ? "no environments: \(repository.settings.clustersPrefix) holds no Flux objects"
                : "no environments: nothing syncs the directories under \(repository.settings.clustersPrefix) (\(repository.notEnvironments.joined(separator: ", "))) and none holds a Flux Kustomization"
            report.hint = hint
        }
        return report
    }

    private static func environment(_ environment: PlatformEnvironment, root: URL, settings: LockmasterSettings)
        -> StatusReport.Environment
    {
        let (flux, fluxFrom) = FluxRelease.installed(by: environment, root: root, settings: settings)
        let source = environment.source.map { source in
            let object = source.object
            return StatusReport.Source(
                kind: object.kind, apiVersion: object.apiVersion, name: object.name ?? "",
                namespace: object.effectiveNamespace, url: source.url, location: object.location)
        }
        return StatusReport.Environment(
            name: environment.name,
            directory: environment.directory,
            kind: environment.classification.kind,
            ref: environment.classification.ref,
            refField: environment.classification.refField,
            semverFilter: environment.classification.semverFilter,
            reason: environment.classification.reason,
            source: source,
            entry: environment.entry.map(kustomization),
            instance: environment.instance.flatMap { instance in
                instance.sync.map {
                    StatusReport.Instance(
                        name: "\(instance.namespace)/\(instance.object.name ?? "")", declaredBy: instance.object.kind,
                        kind: $0.kind, url: $0.url, ref: $0.ref, path: $0.path,
                        location: instance.object.location(of: instance.specPath + ["sync"]))
                }
            },
            syncFile: environment.entry != nil || environment.instance != nil
                ? nil
                : FileManager.default.fileExists(
                    atPath: root.appendingPathComponent("\(environment.directory)/flux-system/gotk-sync.yaml").path)
                    ? "placeholder" : "missing",
            kustomizations: environment.platformKustomizations.map(kustomization),
            fluxVersion: flux.version, fluxVersionFrom: fluxFrom
        )
    }

    private static func kustomization(_ kustomization: FluxKustomization) -> StatusReport.Kustomization {
        let object = kustomization.object
        return StatusReport.Kustomization(
            name: object.name ?? "",
            namespace: object.effectiveNamespace,
            path: "./" + kustomization.normalizedPath,
            sourceRef: kustomization.sourceRef,
            dependsOn: kustomization.dependsOn.map { KustomizationID(namespace: $0.namespace, name: $0.name) },
            location: object.location
        )
    }
}
