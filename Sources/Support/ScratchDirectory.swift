public import Foundation

/// A private temporary directory (mode 0700) that is removed when its owner is done, when the command
/// fails, and when Ctrl-C or SIGTERM stops the process.
public final class ScratchDirectory: Sendable {
    public let url: URL

    /// - Parameter prefix: names the directory after the command that made it (`lockmaster-render`).
    public init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        // Registered first, so that a signal between the two steps cannot leave it behind.
        guard Interruption.removeOnStop(url) else { throw CancellationError() }
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    /// Removes the directory now (also done when the last reference goes away).
    public func remove() {
        try? FileManager.default.removeItem(at: url)
        Interruption.forget(url)
    }

    deinit { remove() }
}
