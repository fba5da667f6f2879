import GitKit
import Testing

/// A token in a remote's URL (GitLab CI puts the job token there) never reaches what is printed.
@Suite struct RemoteURLTests {
    @Test(arguments: [
        (
            "https://gitlab-ci-token:s3cret@gitlab.example.com/acme/platform.git",
            "https://gitlab.example.com/acme/platform.git"
        ),
        ("https://x-access-token:ghs_abc@github.com/acme/platform", "https://github.com/acme/platform"),
        ("https://robot@git.example.com/p.git", "https://git.example.com/p.git"),
        ("ssh://git:pw@example.com/acme/platform", "ssh://example.com/acme/platform"),
        ("ssh://git@example.com/acme/platform", "ssh://git@example.com/acme/platform"),
        ("git@github.com:acme/platform.git", "git@github.com:acme/platform.git"),
        ("https://github.com/acme/user@home", "https://github.com/acme/user@home"),
    ])
    func credentialsAreLeftOut(url: String, shown: String) {
        #expect(RemoteURL.withoutCredentials(url) == shown)
    }
}
