import Foundation
import Support
import TestSupport
import Testing

@Suite struct SystemProcessRunnerTests {
    let runner = SystemProcessRunner()

    @Test func drainsLargeStdoutAndStderrTogether() async throws {
        // 4 MiB on each stream: far beyond a pipe buffer, so sequential reading would deadlock.
        let script = "head -c 4194304 /dev/zero | tr '\\0' a; head -c 4194304 /dev/zero | tr '\\0' b >&2"
        let output = try await runner.run(ProcessInvocation("bash", ["-c", script]))
        #expect(output.status == 0)
        #expect(output.standardOutput.count == 4_194_304)
        #expect(output.standardError.count == 4_194_304)
    }

    @Test func failureCarriesArgvStatusAndStderr() async throws {
        let invocation = ProcessInvocation("bash", ["-c", "echo 'no such ref' >&2; exit 3"])
        await #expect(throws: ProcessError.failed(invocation: invocation, status: 3, stderr: "no such ref\n")) {
            try await runner.checkedRun(invocation)
        }
        let message = ProcessError.failed(invocation: invocation, status: 3, stderr: "no such ref\n").description
        #expect(message == "'bash -c 'echo '\\''no such ref'\\'' >&2; exit 3'' exited with status 3: no such ref")
    }

    @Test func stopsAProgramThatOutlivesItsTimeout() async throws {
        let start = ContinuousClock.now
        await #expect(throws: ProcessError.self) {
            try await runner.run(ProcessInvocation("sleep", ["600"], timeout: .milliseconds(300)))
        }
        // Well before the 600 s the program would take: SIGTERM after 0.3 s, SIGKILL 2 s later at worst. The
        // margin is for a loaded machine (two cores, the whole suite in parallel and more: once 22 s).
        #expect(ContinuousClock.now - start < .seconds(120))
    }

    @Test func missingProgramIsALaunchFailure() async throws {
        await #expect { try await runner.run(ProcessInvocation("lockmaster-no-such-program", [])) } throws: {
            "\($0)".contains("was not found in PATH")
        }
    }

    @Test func environmentAndStandardInput() async throws {
        let output = try await runner.run(
            ProcessInvocation(
                "bash", ["-c", "cat; echo \"$LOCKMASTER_X\""],
                environment: ["LOCKMASTER_X": "set"], standardInput: Data("in\n".utf8)))
        #expect(output.stdout == "in\nset\n")
    }
}

@Suite struct AtomicFileTests {
    @Test func replacesContentAndKeepsTheMode() throws {
        let directory = try TemporaryDirectory()
        try directory.write("script.sh", "old")
        let url = directory.url.appendingPathComponent("script.sh")
        chmod(url.path, 0o755)
        try AtomicFile.write(Data("new".utf8), to: url)
        #expect(try directory.read("script.sh") == "new")
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(mode == 0o755)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["script.sh"])
    }

    @Test func failureLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.url.appendingPathComponent("no-such-dir/file")
        #expect(throws: AtomicFileError.self) { try AtomicFile.write(Data("x".utf8), to: missing) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}

@Suite struct ChildSignalTests {
    @Test func childrenStartWithNoBlockedOrIgnoredSignals() async throws {
        let output = try await SystemProcessRunner().run(
            ProcessInvocation("bash", ["-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"]))
        let masks = Dictionary(
            uniqueKeysWithValues: output.stdout.split(separator: "\n").map { line in
                let parts = line.split(separator: "\t")
                return (String(parts[0]), UInt64(parts[1], radix: 16) ?? .max)
            })
        #expect(masks["SigBlk:"] == 0)
        // Standard signals 1–31 (SIGINT, SIGTERM, SIGPIPE …) at their defaults; glibc keeps its own real-time ones.
        #expect(masks["SigIgn:"].map { $0 & 0x7FFF_FFFF } == 0)
    }

    @Test func aSignalledChildReportsShellStyleStatus() async throws {
        let output = try await SystemProcessRunner().run(ProcessInvocation("bash", ["-c", "kill -TERM $$"]))
        #expect(output.status == 143)
    }
}

@Suite struct ChildDescriptorTests {
    @Test func childrenInheritOnlyTheirStandardStreams() async throws {
        let directory = try TemporaryDirectory()
        // A file held open for writing here must not leak into a child (it would make exec of it fail with ETXTBSY).
        let open = try #require(
            FileHandle(
                forWritingAtPath: try {
                    try directory.write("held", "")
                    return directory.url.appendingPathComponent("held").path
                }()))
        defer { try? open.close() }
        let output = try await SystemProcessRunner().checkedRun(
            ProcessInvocation(
                "python3", ["-c", "import os; print(sorted(int(f) for f in os.listdir('/proc/self/fd')))"]))
        // 0, 1, 2, and the directory python itself opens to list them.
        #expect(output.stdout == "[0, 1, 2, 3]\n")
    }
}
