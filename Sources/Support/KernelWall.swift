import CProcess
public import Foundation

/// What a confined program may touch: read (and execute) beneath `readable`, everything beneath
/// `writable`, read and write the `devices` files; no network but Unix sockets. Applied by the kernel
/// in the child before exec (`SystemProcessRunner`), and inherited by everything it starts.
public struct Confinement: Sendable, Equatable {
    public var readable: [String]
    public var writable: [String]
    public var devices: [String]

    public init(readable: [String], writable: [String], devices: [String] = ["/dev/null"]) {
        self.readable = readable
        self.writable = writable
        self.devices = devices
    }
}

/// The kernel features that confine a renderer: Landlock (files and TCP) and seccomp (every other
/// socket family), both unprivileged. Probed once per process.
public enum KernelWall {
    /// What this machine's kernel gives a confined build.
    public struct Strength: Sendable, Equatable, CustomStringConvertible {
        public var landlockABI: Int
        /// Whether a network namespace of its own is added as an extra layer (not relied on).
        public var networkNamespace: Bool

        public var description: String {
            "Landlock ABI \(landlockABI) (reads only each build's own files, writes only its scratch HOME, no TCP), seccomp (no socket but AF_UNIX)"
                + (networkNamespace ? ", a network namespace of its own" : "")
        }
    }

    /// Why the wall cannot be built here, and what to do.
    public struct Missing: Error, Sendable, Equatable, CustomStringConvertible {
        public var feature: String

        public var description: String {
            "builds are refused: this kernel cannot confine them (\(feature)); Lockmaster builds a branch's kustomizations only inside Landlock "
                + "(Linux 5.13 or later, enabled: `lsm=…,landlock`) and seccomp, so that a pull request cannot read the runner's files or reach the network. "
                + "Run on such a kernel (GitHub's ubuntu-22.04 and later runners have both), or pass --unconfined for content you trust, on your own machine only"
        }
    }

    /// Set to `landlock` or `seccomp` to make this process act as if the kernel lacked that feature
    /// (tests of the refusal; it can only take the wall away from builds, which are then refused).
    public static let simulationVariable = "LOCKMASTER_SIMULATE_MISSING_WALL"

    /// The wall, or why there is none.
    public static func probe(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<
        Strength, Missing
    > {
        let simulated = environment[simulationVariable] ?? ""
        if simulated.contains("landlock") {
            return .failure(Missing(feature: "Landlock is not available (simulated by \(simulationVariable))"))
        }
        if simulated.contains("seccomp") {
            return .failure(Missing(feature: "seccomp is not available (simulated by \(simulationVariable))"))
        }
        return measured
    }

    private static let measured: Result<Strength, Missing> = {
        let abi = lockmaster_landlock_abi()
        if abi == -ENOSYS {
            return .failure(Missing(feature: "this kernel has no Landlock (landlock_create_ruleset: not implemented)"))
        }
        if abi == -EOPNOTSUPP { return .failure(Missing(feature: "Landlock is built in but not enabled at boot")) }
        if abi < 0 {
            return .failure(Missing(feature: "Landlock cannot be used here: \(String(cString: strerror(-abi)))"))
        }
        if abi < 1 { return .failure(Missing(feature: "Landlock reports no ABI")) }
        guard lockmaster_seccomp_available() == 1 else {
            return .failure(Missing(feature: "seccomp filters are not available on this kernel or architecture"))
        }
        return .success(Strength(landlockABI: Int(abi), networkNamespace: networkNamespaceWorks()))
    }()

    /// Whether a child can enter a network namespace of its own here (root, or unprivileged user
    /// namespaces allowed), found with `/bin/true` under the same spawn.
    private static func networkNamespaceWorks() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: "/bin/true") else { return false }
        var fds: [Int32] = [0, 0]
        guard lockmaster_pipe_cloexec(&fds) == 0 else { return false }
        defer {
            close(fds[0])
            close(fds[1])
        }
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = [nil]
        defer { for pointer in argv { free(pointer) } }
        var layers: Int32 = 0
        var stage: Int32 = 0
        var error: Int32 = 0
        let pid = lockmaster_spawn_confined(
            "/bin/true", argv, envp, nil, -1, fds[1], fds[1], -1, 1, &layers, &stage, &error)
        guard pid > 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return layers & Int32(LOCKMASTER_LAYER_NETWORK_NAMESPACE) != 0
    }
}
