public import Foundation
public import Support

/// How `kubectl kustomize` runs on a branch nobody here wrote: inside the kernel wall (Landlock: it
/// reads only its build directory, which holds only the files the build's key covers, and the kubectl
/// program; it writes only a scratch HOME; no TCP. seccomp: no socket but AF_UNIX), with an
/// environment of its own (no credentials, no `LOCKMASTER_*`, no `PATH`). Where the kernel cannot
/// build the wall the build is refused, unless the user said `--unconfined` for content they trust.
public struct ConfinedKustomize: Sendable {
    let kubectl: String
    let runner: any ProcessRunner
    let unconfined: Bool

    public init(kubectl: String, runner: any ProcessRunner, unconfined: Bool = false) {
        self.kubectl = kubectl
        self.runner = runner
        self.unconfined = unconfined
    }

    /// How builds run here: the kernel wall, or none when asked (`--unconfined`).
    public enum Wall: Sendable, Equatable, CustomStringConvertible {
        case kernel(KernelWall.Strength)
        case unconfined

        public var description: String {
            switch self {
            case .kernel(let strength): "builds confined by the kernel: \(strength)"
            case .unconfined:
                "builds NOT confined (--unconfined): they could read any file this user can and reach the network"
            }
        }
    }

    /// The wall builds get, or why they are refused.
    public func wall() throws(KernelWall.Missing) -> Wall {
        if unconfined { return .unconfined }
        switch KernelWall.probe() {
        case .success(let strength): return .kernel(strength)
        case .failure(let missing): throw missing
        }
    }

    /// `kubectl kustomize --load-restrictor LoadRestrictionsNone DIRECTORY`, reading only beneath `directory`
    /// (the build's scratch directory) and writing only beneath `home`.
    public func build(_ directory: URL, home: URL) async throws -> ProcessOutput {
        try await runner.run(
            try invocation(
                ["kustomize", "--load-restrictor", "LoadRestrictionsNone", directory.path], readable: directory,
                home: home))
    }

    func invocation(_ arguments: [String], readable: URL, home: URL) throws -> ProcessInvocation {
        let found = kubectl.contains("/") ? kubectl : ExecutableLookup.find(kubectl)?.path ?? kubectl
        // Landlock rules follow the file, not the name: the program as the kernel opens it.
        let program = URL(fileURLWithPath: found).resolvingSymlinksInPath().path
        let environment = ["HOME": home.path, "KUBECONFIG": "/dev/null", "LANG": "C.UTF-8"]
        var confinement: Confinement?
        if case .kernel = try wall() {
            confinement = Confinement(readable: [readable.path, program], writable: [home.path])
        }
        return ProcessInvocation(
            program, arguments, environment: environment, inheritsEnvironment: false, timeout: .seconds(300),
            confinement: confinement)
    }
}
