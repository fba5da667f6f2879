import ArgumentParser
import Foundation
import LockmasterKit

/// `--no-cache`, for the commands that render: builds are kept between runs in the user's cache
/// directory unless told not to.
struct RenderCacheOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Neither read nor keep builds in the render cache ($XDG_CACHE_HOME/lockmaster/builds, else ~/.cache/lockmaster/builds; at most LOCKMASTER_CACHE_MIB, default 512, MiB)."
        ))
    var noCache = false

    /// What the cache ignored (entries another user could have written), once each, on stderr.
    static func sayNotices(_ directory: RenderCacheDirectory?) {
        for notice in directory?.notices.messages ?? [] { Terminal.err("warning: \(notice)\n") }
    }

    /// The cache to use, or nil.
    var directory: RenderCacheDirectory? {
        guard !noCache else { return nil }
        let environment = ProcessInfo.processInfo.environment
        return RenderCacheDirectory.standard(
            environment: environment, kubectl: environment["LOCKMASTER_KUBECTL"] ?? "kubectl")
    }
}
