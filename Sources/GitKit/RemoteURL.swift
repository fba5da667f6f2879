/// Git remote URLs as they may be shown: CI checkouts put a token in the remote's URL
/// (`https://gitlab-ci-token:…@gitlab.com/…`), and nothing Lockmaster prints or renders may carry it.
public enum RemoteURL {
    /// `url` without the user and password of an `scheme://user:password@host/…` URL; an scp-like
    /// `git@host:path` (a user name, no secret) is kept as it is.
    public static func withoutCredentials(_ url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        guard let at = authority.lastIndex(of: "@") else { return url }
        let user = authority[..<at]
        // ssh://git@host keeps its user (no secret); anything with a password, or any http(s) user, goes.
        if !user.contains(":"), url.hasPrefix("ssh://") { return url }
        return String(url[..<scheme.upperBound]) + rest[rest.index(after: at)...]
    }
}
