import CProcess
public import Foundation

/// Runs programs with `posix_spawn`. Children start with an empty signal mask and default signal
/// dispositions (whatever threads of this process block or ignore), stdout and stderr are drained
/// concurrently on their own threads so a chatty child never blocks on a full pipe, and a child
/// that outlives its deadline gets SIGTERM, then SIGKILL.
public struct SystemProcessRunner: ProcessRunner {
    public init() {}

    public func run(_ invocation: ProcessInvocation, streaming: (@Sendable (Data) -> Void)?) async throws
        -> ProcessOutput
    {
        // Blocking reads and waits happen on a dedicated thread, off the cooperative pool.
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try Self.runBlocking(invocation, streaming: streaming) }) }
                .start()
        }
    }

    /// Writing to a child that has closed its stdin must fail with EPIPE, not kill Lockmaster.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    private static func runBlocking(_ invocation: ProcessInvocation, streaming: (@Sendable (Data) -> Void)?) throws
        -> ProcessOutput
    {
        _ = ignoreBrokenPipes
        let executable: String
        if invocation.executable.contains("/") {
            executable = invocation.executable
        } else if let found = ExecutableLookup.find(invocation.executable) {
            executable = found.path
        } else {
            throw ProcessError.launchFailed(
                invocation: invocation, reason: "'\(invocation.executable)' was not found in PATH")
        }
        var environment = invocation.inheritsEnvironment ? ProcessInfo.processInfo.environment : [:]
        for name in invocation.unsetEnvironment { environment.removeValue(forKey: name) }
        environment.merge(invocation.environment) { _, new in new }

        let stdout = try Pipe.make(invocation)
        let stderr = try Pipe.make(invocation)
        let stdin = invocation.standardInput == nil ? nil : try Pipe.make(invocation)
        Trace.record(invocation)
        let pid = try spawn(
            executable, invocation: invocation, environment: environment, stdout: stdout, stderr: stderr, stdin: stdin)
        close(stdout.write)
        close(stderr.write)
        if let stdin { close(stdin.read) }

        let collected = CollectedOutput()
        let readers = DispatchGroup()
        for (fd, isStdout) in [(stdout.read, true), (stderr.read, false)] {
            readers.enter()
            Thread {
                let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                var data = Data()
                if let streaming {
                    while case let chunk = handle.availableData, !chunk.isEmpty {
                        data.append(chunk)
                        streaming(chunk)
                    }
                } else {
                    data = handle.readDataToEndOfFile()
                }
                if isStdout { collected.setStdout(data) } else { collected.setStderr(data) }
                readers.leave()
            }.start()
        }
        if let stdin, let input = invocation.standardInput {
            Thread {
                let handle = FileHandle(fileDescriptor: stdin.write, closeOnDealloc: true)
                try? handle.write(contentsOf: input)
                try? handle.close()
            }.start()
        }

        let exit = ExitStatus()
        let exited = DispatchSemaphore(value: 0)
        Thread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            exit.set(status)
            exited.signal()
        }.start()

        let seconds =
            Double(invocation.timeout.components.seconds) + Double(invocation.timeout.components.attoseconds) / 1e18
        if exited.wait(timeout: .now() + seconds) == .timedOut {
            kill(pid, SIGTERM)
            if exited.wait(timeout: .now() + 2) == .timedOut {
                kill(pid, SIGKILL)
                exited.wait()
            }
            // A grandchild may still hold the pipes open; do not wait for it.
            _ = readers.wait(timeout: .now() + 2)
            throw ProcessError.timedOut(invocation: invocation, after: invocation.timeout)
        }
        readers.wait()
        // A child stopped by Ctrl-C or SIGTERM most likely shares the signal with this process, whose
        // handler may not have run yet: let it, so the step that fails next stops as interrupted.
        if [128 + SIGINT, 128 + SIGTERM].contains(exit.code) { Interruption.settle() }
        return ProcessOutput(status: exit.code, standardOutput: collected.stdout, standardError: collected.stderr)
    }

    private static func spawn(
        _ executable: String, invocation: ProcessInvocation, environment: [String: String],
        stdout: Pipe, stderr: Pipe, stdin: Pipe?
    ) throws -> pid_t {
        if let confinement = invocation.confinement {
            return try spawnConfined(
                executable, confinement: confinement, invocation: invocation, environment: environment, stdout: stdout,
                stderr: stderr, stdin: stdin)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.write, 2)
        lockmaster_spawn_addclosefrom(&actions, 3)
        if let directory = invocation.workingDirectory {
            lockmaster_spawn_addchdir(&actions, directory.path)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + invocation.arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        var result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // A script that was just written may still be open for writing in a child another thread is
        // spawning at that moment: exec then fails with ETXTBSY for a moment. Retry, as Go's os/exec does.
        var attempts = 0
        while result == ETXTBSY, attempts < 20 {
            attempts += 1
            usleep(10_000)
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard result == 0 else {
            throw ProcessError.launchFailed(invocation: invocation, reason: String(cString: strerror(result)))
        }
        return pid
    }
}

extension SystemProcessRunner {
    /// Forks through the kernel-wall shim (CProcess): Landlock and seccomp are in place before the
    /// program's first instruction, or it does not run at all.
    fileprivate static func spawnConfined(
        _ executable: String, confinement: Confinement, invocation: ProcessInvocation, environment: [String: String],
        stdout: Pipe, stderr: Pipe, stdin: Pipe?
    ) throws -> pid_t {
        let strength: KernelWall.Strength
        switch KernelWall.probe() {
        case .success(let found): strength = found
        case .failure(let missing): throw ProcessError.launchFailed(invocation: invocation, reason: missing.description)
        }
        var failedIndex: Int32 = -1
        let ruleset = landlockRuleset(abi: strength.landlockABI, confinement, failedIndex: &failedIndex)
        guard ruleset >= 0 else {
            let paths = confinement.readable + confinement.writable + confinement.devices
            let which = failedIndex >= 0 && Int(failedIndex) < paths.count ? " for \(paths[Int(failedIndex)])" : ""
            throw ProcessError.launchFailed(
                invocation: invocation,
                reason: "cannot build the Landlock ruleset\(which): \(String(cString: strerror(errno)))")
        }
        defer { close(ruleset) }
        let argv = ([executable] + invocation.arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var layers: Int32 = 0
        var stage: Int32 = 0
        var error: Int32 = 0
        let pid = lockmaster_spawn_confined(
            executable, argv, envp, invocation.workingDirectory?.path, stdin?.read ?? -1, stdout.write, stderr.write,
            ruleset, strength.networkNamespace ? 1 : 0, &layers, &stage, &error)
        guard pid > 0 else {
            let step =
                switch Int(stage) {
                case Int(LOCKMASTER_STAGE_NO_NEW_PRIVS): "no_new_privs"
                case Int(LOCKMASTER_STAGE_LANDLOCK): "Landlock"
                case Int(LOCKMASTER_STAGE_SECCOMP): "seccomp"
                case Int(LOCKMASTER_STAGE_DIRECTORY): "the working directory"
                case Int(LOCKMASTER_STAGE_EXEC): "exec"
                default: "the confined spawn"
                }
            throw ProcessError.launchFailed(
                invocation: invocation, reason: "\(step) failed: \(String(cString: strerror(error)))")
        }
        // Both layers or nothing: the child reports what it applied before it exec'd.
        let required = Int32(LOCKMASTER_LAYER_LANDLOCK) | Int32(LOCKMASTER_LAYER_SECCOMP)
        guard layers & required == required else {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            throw ProcessError.launchFailed(
                invocation: invocation, reason: "the kernel wall was not complete (layers \(layers))")
        }
        return pid
    }
}

/// `lockmaster_landlock_ruleset` over Swift strings.
private func landlockRuleset(abi: Int, _ confinement: Confinement, failedIndex: inout Int32) -> Int32 {
    let lists = [confinement.readable, confinement.writable, confinement.devices]
    let owned: [[UnsafeMutablePointer<CChar>?]] = lists.map { $0.map { strdup($0) } }
    defer { for pointer in owned.joined() { free(pointer) } }
    let read: [UnsafePointer<CChar>?] = owned[0].map { UnsafePointer($0) }
    let write: [UnsafePointer<CChar>?] = owned[1].map { UnsafePointer($0) }
    let device: [UnsafePointer<CChar>?] = owned[2].map { UnsafePointer($0) }
    return lockmaster_landlock_ruleset(
        Int32(abi), read, Int32(read.count), write, Int32(write.count), device, Int32(device.count), &failedIndex)
}

/// A pipe whose both ends are closed on exec; `posix_spawn`'s dup2 makes the child's copy inheritable.
private struct Pipe {
    var read: Int32
    var write: Int32

    static func make(_ invocation: ProcessInvocation) throws -> Pipe {
        var fds: [Int32] = [0, 0]
        guard lockmaster_pipe_cloexec(&fds) == 0 else {
            throw ProcessError.launchFailed(
                invocation: invocation, reason: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        return Pipe(read: fds[0], write: fds[1])
    }
}

/// Output gathered by two reader threads; guarded by `lock`.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var _stdout = Data(), _stderr = Data()
    func setStdout(_ data: Data) { lock.withLock { _stdout = data } }
    func setStderr(_ data: Data) { lock.withLock { _stderr = data } }
    var stdout: Data { lock.withLock { _stdout } }
    var stderr: Data { lock.withLock { _stderr } }
}

/// The raw `waitpid` status, set once by the waiting thread; guarded by `lock`.
private final class ExitStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32 = 0
    func set(_ value: Int32) { lock.withLock { status = value } }

    /// The exit code, or 128 + the signal number for a child killed by a signal (as shells report it).
    var code: Int32 {
        let status = lock.withLock { self.status }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
