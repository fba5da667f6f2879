public import Foundation
public import Support

/// How `kubectl kustomize` runs on a branch nobody here wrote: with an environment of its own (no
/// credentials, no `LOCKMASTER_*`, a throwaway `HOME`, no `PATH`, so no `git` for remote bases) and,
/// where the kernel lets us make one, in a network namespace of its own with no interface up. Remote
/// resources are refused before kustomize runs (`BuildInputScanner`); the namespace is the second
/// wall. With `--allow-remote` kustomize may reach the network, still without credentials.
public struct ConfinedKustomize: Sendable {
    let kubectl: String
    let runner: any ProcessRunner
    let allowRemote: Bool

    public init(kubectl: String, runner: any ProcessRunner, allowRemote: Bool) {
        self.kubectl = kubectl
        self.runner = runner
        self.allowRemote = allowRemote
    }

    /// `kubectl kustomize --load-restrictor LoadRestrictionsNone DIRECTORY`, confined, with `home` as HOME.
    public func build(_ directory: URL, home: URL) async throws -> ProcessOutput {
        try await runner.run(await invocation(["kustomize", "--load-restrictor", "LoadRestrictionsNone", directory.path], home: home))
    }

    func invocation(_ arguments: [String], home: URL) async -> ProcessInvocation {
        let program = kubectl.contains("/") ? kubectl : ExecutableLookup.find(kubectl)?.path ?? kubectl
        var environment = ["HOME": home.path, "KUBECONFIG": "/dev/null", "LANG": "C.UTF-8"]
        if allowRemote {
            // kustomize clones remote bases with git: no system or user git config (credential helpers).
            environment.merge(["PATH": "/usr/local/bin:/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                               "GIT_TERMINAL_PROMPT": "0"]) { _, new in new }
        }
        var argv = [program] + arguments
        if !allowRemote, let prefix = await NetworkNamespace.shared.prefix(runner: runner) { argv = prefix + argv }
        return ProcessInvocation(argv[0], Array(argv.dropFirst()), environment: environment, inheritsEnvironment: false, timeout: .seconds(300))
    }
}

/// Whether `unshare --net` works here (root, or unprivileged user namespaces), found out once.
actor NetworkNamespace {
    static let shared = NetworkNamespace()
    private var probed: [String]??

    func prefix(runner: any ProcessRunner) async -> [String]? {
        if let probed { return probed }
        let unshare = ExecutableLookup.find("unshare")?.path
        var found: [String]?
        if let unshare {
            let candidate = [unshare, "--net"] + (geteuid() == 0 ? [] : ["--map-root-user"]) + ["--"]
            let output = try? await runner.run(ProcessInvocation(candidate[0], Array(candidate.dropFirst()) + ["/bin/true"], timeout: .seconds(10)))
            if output?.status == 0 { found = candidate }
        }
        probed = .some(found)
        return found
    }
}
