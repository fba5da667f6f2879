import ArgumentParser
import Artifacts
import LockmasterKit

/// A duration on the command line: `30s`, `10m`, `1h`, or plain seconds (`2.5`).
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration
    /// As it was written, for the help's default.
    var text: String

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        let seconds: Double?
        if let unit = argument.last, let factor = units[unit] {
            seconds = Double(argument.dropLast()).map { $0 * factor }
        } else {
            seconds = Double(argument)
        }
        guard let seconds, seconds > 0, seconds.isFinite else { return nil }
        duration = .milliseconds(Int(seconds * 1000))
        text = argument
    }

    var defaultValueDescription: String { text }

    /// For `@Option(transform:)`: the value, or an error that says how to write one.
    static func parse(_ text: String, option: String) throws -> DurationArgument {
        guard let value = DurationArgument(argument: text) else { throw ValidationError("\(option) \(text) is not a duration; write 30s, 10m or 1h") }
        return value
    }
}

/// `ENV=NAME`: an environment and the kube context of its cluster.
struct ContextPair: ExpressibleByArgument, Sendable {
    var environment: String
    var context: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex, argument.index(after: equals) != argument.endIndex else { return nil }
        environment = String(argument[..<equals])
        context = String(argument[argument.index(after: equals)...])
    }

    /// For `@Option(transform:)`: the pair, or an error that shows the form.
    static func parse(_ text: String) throws -> ContextPair {
        guard let pair = ContextPair(argument: text) else { throw ValidationError("--context takes ENV=NAME, e.g. --context production=prod-eu") }
        return pair
    }
}

/// A version to publish, promote or roll back to: a tag Flux can select (`fluxcd/pkg/version`), kept
/// as written (`v1.4.2` stays `v1.4.2`, since the tag is the text).
struct VersionArgument: ExpressibleByArgument, Sendable {
    var tag: String

    init?(argument: String) {
        guard SemanticVersion.flux(argument) != nil else { return nil }
        tag = argument
    }

    /// For `transform:`: the version, or an error that shows the form.
    static func parse(_ text: String) throws -> VersionArgument {
        guard let version = VersionArgument(argument: text) else { throw ValidationError("\(text) is not a version Flux can select: write MAJOR.MINOR.PATCH, e.g. 1.4.2") }
        return version
    }
}

extension KubernetesRelease {
    /// For `--kube-version`: the release, or an error that shows the form.
    static func parse(_ text: String) throws -> KubernetesRelease {
        guard let release = KubernetesRelease(text) else { throw ValidationError("--kube-version \(text) is not a Kubernetes version; write it as 1.29") }
        return release
    }
}
