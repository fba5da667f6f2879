import Foundation
import Support
import TestSupport
import Testing

/// The wall itself, proven with a program that tries every way out: started through the shim, it cannot
/// read a canary outside what it was given, cannot open a TCP, UDP, IPv6 or netlink socket (Unix
/// sockets stay), and can write only beneath its scratch HOME.
@Suite struct KernelWallTests {
    let runner = SystemProcessRunner()

    /// What the probe program reports, one `name=outcome` line each.
    static let probe = """
        import json, os, socket, sys
        home, view, canary, outside = sys.argv[1:5]
        def attempt(name, action):
            try:
                action()
                print(name + "=allowed")
            except OSError as error:
                print(name + "=" + (os.strerror(error.errno) if error.errno else str(error)))
        attempt("read-canary", lambda: open(canary).read())
        attempt("list-outside", lambda: os.listdir(outside))
        attempt("read-view", lambda: open(os.path.join(view, "inside.txt")).read())
        attempt("write-home", lambda: open(os.path.join(home, "scratch.txt"), "w").write("x"))
        attempt("write-view", lambda: open(os.path.join(view, "new.txt"), "w").write("x"))
        attempt("write-outside", lambda: open(os.path.join(outside, "new.txt"), "w").write("x"))
        attempt("tcp", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        attempt("tcp6", lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM))
        attempt("netlink", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))
        attempt("unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        """

    /// The interpreter and the directories it loads itself from: readable, as a renderer's program is.
    static func python() throws -> (program: String, readable: [String]) {
        let program = try #require(ExecutableLookup.find("python3")).resolvingSymlinksInPath().path
        var readable = [program, "/usr", "/lib", "/etc/ld.so.cache"]
        if FileManager.default.fileExists(atPath: "/lib64") { readable.append("/lib64") }
        // A Python outside /usr (pyenv) loads from its own prefix.
        let prefix = URL(fileURLWithPath: program).deletingLastPathComponent().deletingLastPathComponent().path
        if !prefix.hasPrefix("/usr") { readable.append(prefix) }
        return (program, readable)
    }

    @Test func aConfinedProgramReadsOnlyItsViewWritesOnlyItsHomeAndHasNoNetwork() async throws {
        guard case .success = KernelWall.probe() else {
            Issue.record("this kernel has no Landlock or seccomp: \(KernelWall.probe())")
            return
        }
        let view = try TemporaryDirectory()
        let home = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        try view.write("inside.txt", "inside")
        try outside.write("canary.txt", "CANARY")
        let (program, readable) = try Self.python()
        let confinement = Confinement(readable: readable + [view.path], writable: [home.path])
        let output = try await runner.run(
            ProcessInvocation(
                program, ["-S", "-c", Self.probe, home.path, view.path, outside.path + "/canary.txt", outside.path],
                environment: ["HOME": home.path], inheritsEnvironment: false, confinement: confinement))
        #expect(output.status == 0, "\(output.stderr)")
        var outcome: [String: String] = [:]
        for line in output.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { outcome[parts[0]] = parts[1] }
        }
        #expect(outcome["read-view"] == "allowed", "\(outcome)")
        #expect(outcome["write-home"] == "allowed", "\(outcome)")
        #expect(outcome["unix"] == "allowed", "\(outcome)")
        for denied in ["read-canary", "list-outside", "write-view", "write-outside", "tcp", "udp", "tcp6", "netlink"] {
            #expect(outcome[denied] == "Permission denied", "\(denied): \(outcome)")
        }
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/new.txt"))
        #expect(!output.stdout.contains("CANARY"))
    }

    @Test func withoutTheWallAConfinedProgramDoesNotRun() async throws {
        let home = try TemporaryDirectory()
        // The simulation only takes the wall away: what asks for it is then refused (the commands' tests run it end to end).
        guard case .failure(let missing) = KernelWall.probe(environment: [KernelWall.simulationVariable: "landlock"])
        else {
            Issue.record("the simulation did not take the wall away")
            return
        }
        #expect(
            missing.description.contains("Landlock is not available") && missing.description.contains("--unconfined"))
        // A path the ruleset cannot open fails the spawn before the program runs: nothing runs half-confined.
        let invocation = ProcessInvocation(
            "/bin/true", [], confinement: Confinement(readable: ["/no/such/directory"], writable: [home.path]))
        await #expect { try await runner.run(invocation) } throws: {
            "\($0)".contains("Landlock ruleset for /no/such/directory")
        }
    }
}
