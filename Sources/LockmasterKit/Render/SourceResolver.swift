import Artifacts
import Foundation
import Manifests
import Platform
import Support

/// Where a render reads each source from: this repository's snapshot for a GitRepository, the resolved
/// (or requested) artifact for an OCIRepository; and why a source cannot be read.
struct SourceResolver: Sendable {
    let access: RegistryAccess
    let repository: PlatformRepository
    let trees: SourceTrees

    /// The content a source delivers: the snapshot for git, the resolved (or requested) artifact for OCI.
    func tree(for source: KubernetesObject, environment: PlatformEnvironment, request: RenderRequest) async throws
        -> URL
    {
        let settings = repository.settings
        if GitRepository(source) != nil { return try await trees.git(request.ref) }
        guard let oci = OCIRepository(source) else {
            throw ResolveError.notOCI(environment: source.displayName, kind: source.kind, ref: nil)
        }
        let isPlatform = environment.source?.object.reference == source.reference
        if request.offline {
            // The platform artifact holds the repository's platform paths as they are in git.
            guard isPlatform else {
                throw RenderError.notOffline(
                    "OCIRepository \(oci.object.effectiveNamespace)/\(oci.object.name ?? "") (\(Inert.line(oci.url ?? "no url")))"
                )
            }
            return try await trees.git(request.ref)
        }
        guard let target = (isPlatform ? settings.artifact : nil) ?? oci.url else { throw ResolveError.noRepository }
        // A path is a layout directory on this machine: only the settings may name one, never a manifest.
        guard target == settings.artifact || target.hasPrefix("oci://") else {
            throw RenderError.notOCIURL(
                source: "OCIRepository \(oci.object.effectiveNamespace)/\(oci.object.name ?? "")",
                url: Inert.line(target))
        }
        let store = try await access.store(for: target, relativeTo: request.repository, artifact: settings.artifact)
        var tag: String
        if isPlatform, let version = request.version {
            tag = version
        } else if let digest = oci.ref?.digest {
            return try await trees.artifact(
                digest, digest: digest, from: store, limit: settings.artifactSizeLimitMiB << 20)
        } else if let range = oci.ref?.semver {
            tag = try TagSelector.select(
                from: try await store.listTags(), range: try SemverRange(range), filter: oci.ref?.semverFilter
            ).tag
        } else {
            tag = oci.ref?.tag ?? "latest"
        }
        guard let digest = try await store.manifestDigest(tag) else {
            throw ResolveError.tagMissing(tag: tag, repository: store.location)
        }
        return try await trees.artifact(tag, digest: digest, from: store, limit: settings.artifactSizeLimitMiB << 20)
    }

    /// Why a path is missing when its GitRepository follows another ref than the branch of record:
    /// render reads every GitRepository from this repository's work tree (or `--ref`), not from that ref.
    static func elsewhere(_ git: GitRepository, path: String, in tree: URL, branch: String) -> String? {
        guard !FileManager.default.fileExists(atPath: tree.appendingPathComponent(path).path) else { return nil }
        // Flux's precedence for a GitRepository ref: commit, name, tag, semver, branch.
        guard let fields = git.ref else { return nil }
        let followed: [(String, String?)] = [
            ("commit", fields.commit), ("ref", fields.name), ("tag", fields.tag), ("semver", fields.semver),
            ("branch", fields.branch == branch ? nil : fields.branch),
        ]
        guard let (field, value) = followed.first(where: { $0.1 != nil }), let value else { return nil }
        let ref = "\(field) \(value)"
        return
            "./\(path) is not in the revision rendered; its source GitRepository \(git.object.effectiveNamespace)/\(git.object.name ?? "") follows \(ref), "
            + "and render reads every GitRepository from this repository's work tree (or --ref)"
    }

    /// Why a Kustomization's source cannot be read: not declared, or made in the cluster — by a
    /// FluxInstance's spec.sync, or by an ArtifactGenerator (source-watcher assembles ExternalArtifacts
    /// there; they have no offline form).
    /// A source made in the cluster cannot be read offline (`unavailable`); one declared nowhere is a
    /// dangling reference the merge guard reports (`undeclared`).
    /// `reads`: the folders of this repository a generated artifact copies (fail closed: every
    /// GitRepository a generator reads may be this one).
    static func missingSource(_ reference: ObjectReference?, in objects: [KubernetesObject]) -> (
        message: String, cause: RenderProblem.Cause, reads: [String]
    ) {
        guard let reference else { return ("it has no sourceRef", .undeclared, []) }
        if let instance = objects.compactMap(FluxInstance.init).first(where: { $0.syncObjects.contains(reference) }) {
            return (
                "its source \(reference) is made in the cluster by FluxInstance \(instance.object.effectiveNamespace)/\(instance.object.name ?? "")"
                    + " from \(instance.sync?.url ?? "its spec.sync"); render reads only sources declared in git",
                .unavailable, []
            )
        }
        if let generator = objects.compactMap(ArtifactGenerator.init).first(where: { $0.artifacts.contains(reference) })
        {
            return (
                "its source \(reference) is generated in the cluster by ArtifactGenerator \(generator.object.effectiveNamespace)/\(generator.object.name ?? ""); render cannot build it offline",
                .unavailable, generator.copiedFolders(into: reference)
            )
        }
        return ("its source \(reference) is not in the render", .undeclared, [])
    }
}
