import Foundation
import Support

/// A kubectl that logs each run to a file, then runs the real one: tests count builds with it.
public struct CountingKubectl {
    public let directory: TemporaryDirectory
    /// The program to hand to a renderer.
    public var path: String { directory.url.appendingPathComponent("kubectl").path }

    public init() throws {
        directory = try TemporaryDirectory()
        let real = ExecutableLookup.find("kubectl")?.path ?? "/usr/bin/kubectl"
        try directory.write("kubectl", "#!/bin/sh\necho run >> '\(directory.path)/runs.log'\nexec '\(real)' \"$@\"\n")
        chmod(path, 0o755)
    }

    /// How many times it ran since it was made (or last reset).
    public var runs: Int {
        ((try? directory.read("runs.log")) ?? "").split(separator: "\n").count
    }

    public func reset() {
        try? FileManager.default.removeItem(at: directory.url.appendingPathComponent("runs.log"))
    }
}
