import ArgumentParser
import Artifacts
import LockmasterKit

/// A duration on the command line, in the one grammar lease TTLs use too (`TimeSpan`).
extension TimeSpan {
    /// For `@Option(transform:)`: the value, or an error that says how to write one.
    static func parse(_ text: String) throws -> TimeSpan {
        guard let value = TimeSpan(text) else {
            throw ValidationError("not a duration: \(TimeSpan.grammar)")
        }
        return value
    }
}

/// `ENV=NAME`: an environment and the kube context of its cluster.
struct ContextPair: ExpressibleByArgument, Sendable {
    var environment: String
    var context: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
            argument.index(after: equals) != argument.endIndex
        else { return nil }
        environment = String(argument[..<equals])
        context = String(argument[argument.index(after: equals)...])
    }

    /// For `@Option(transform:)`: the pair, or an error that shows the form.
    static func parse(_ text: String) throws -> ContextPair {
        guard let pair = ContextPair(argument: text) else {
            throw ValidationError("--context takes ENV=NAME, e.g. --context production=prod-eu")
        }
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
        guard let version = VersionArgument(argument: text) else {
            throw ValidationError("\(text) is not a version Flux can select: write MAJOR.MINOR.PATCH, e.g. 1.4.2")
        }
        return version
    }
}

extension KubernetesRelease {
    /// For `--kube-version`: the release, or an error that shows the form.
    static func parse(_ text: String) throws -> KubernetesRelease {
        guard let release = KubernetesRelease(text) else {
            throw ValidationError("--kube-version \(text) is not a Kubernetes version; write it as 1.29")
        }
        return release
    }
}
