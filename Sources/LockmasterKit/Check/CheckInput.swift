import Foundation
import Manifests
import Platform
import Support

/// What the merge guard has read by the time its rules run, each part computed once; every rule takes
/// what it needs from here.
struct CheckInput {
    /// The work tree, with the base's settings.
    var repository: PlatformRepository
    /// What the change adds, modifies and removes, compared with the base.
    var change: ChangeContext
    /// lockmaster.yaml at the base, and the trusted key files as the base has them (path → text).
    var base: BaseSettings
    var baseKeys: [String: String]
    /// The branch the change comes from (the CI's, else the one checked out), and the clock.
    var sourceBranch: String?
    var now: Date
    /// Every object under the clusters directory and the platform paths, as written.
    var objects: [KubernetesObject]
    /// What the reader met: symlinks, and YAML it could not read.
    var symlinks: [String]
    var diagnostics: [Diagnostic]
    /// Each environment as Flux applies it, with what it and the environments sharing its cluster declare.
    var scopes: [(scope: EnvironmentScope, declared: Declarations)]
    /// `--kube-version`'s minor version, for Kubernetes built-in API deprecations.
    var kubeMinor: Int?
    /// The Flux each environment installs as the base has it: the change cannot lower what its objects
    /// are judged by (an edited `# Flux Version:` header made a removed API a warning).
    var baseFlux: [String: (release: FluxRelease, source: String?)] = [:]

    var root: URL { repository.root }
}
