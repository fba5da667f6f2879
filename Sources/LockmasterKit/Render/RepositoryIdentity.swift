import Foundation
import GitKit
import Manifests
import Platform

/// Which Git URLs name this repository: its `origin` remote and the URLs its environments sync from
/// (bootstrap's GitRepository, a Flux Operator's Git sync, a platform GitRepository). A GitRepository
/// with any other URL is another repository: render never reads its paths from this one.
struct RepositoryIdentity: Sendable {
    /// Normalized URLs; empty when nothing names the repository (then every URL is taken as this one).
    var urls: Set<String>

    func isThisRepository(_ url: String) -> Bool {
        urls.isEmpty || urls.contains(Self.normalize(url))
    }

    static func read(_ repository: PlatformRepository, checkout: URL, git: any GitClient) async -> RepositoryIdentity {
        var urls: [String] = []
        if let origin = try? await git.remoteURL(named: "origin", in: checkout) { urls.append(origin) }
        for environment in repository.environments {
            if case .git(let source)? = environment.source, let url = source.url { urls.append(url) }
            if let sync = environment.instance?.sync, sync.kind == "GitRepository", let url = sync.url {
                urls.append(url)
            }
            if let entry = environment.entry, let reference = entry.sourceRef,
                let url = environment.objects.first(where: { $0.reference == reference }).flatMap(GitRepository.init)?
                    .url
            {
                urls.append(url)
            }
        }
        return RepositoryIdentity(urls: Set(urls.map(normalize)))
    }

    /// `https://github.com/acme/fleet.git`, `ssh://git@github.com/acme/fleet` and
    /// `git@github.com:acme/fleet` all become `github.com/acme/fleet`.
    static func normalize(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces).lowercased()
        var scpLike = true
        for scheme in ["git+ssh://", "git+https://", "ssh://", "https://", "http://", "git://", "file://"]
        where text.hasPrefix(scheme) {
            text.removeFirst(scheme.count)
            scpLike = false
        }
        if let at = text.firstIndex(of: "@"), !text[..<at].contains("/") {
            text = String(text[text.index(after: at)...])
        }
        if scpLike, let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            text.replaceSubrange(colon...colon, with: "/")
        }
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix(".git") { text.removeLast(4) }
        return text
    }
}
