import Foundation
import Support
import TestSupport
import Testing

/// Paths a branch decides are read only inside the repository and never through a symlink.
@Suite struct RepositoryFileTests {
    @Test func readsOnlyRegularFilesInsideTheRoot() throws {
        let outside = try TemporaryDirectory()
        try outside.write("secret.txt", "canary\n")
        let root = try TemporaryDirectory()
        try root.write("clusters/dev/flux-system/gotk-components.yaml", "# Flux Version: v2.4.0\n")
        try FileManager.default.createSymbolicLink(
            atPath: root.url.appendingPathComponent("link.yaml").path,
            withDestinationPath: outside.url.appendingPathComponent("secret.txt").path)
        try FileManager.default.createSymbolicLink(
            atPath: root.url.appendingPathComponent("out").path, withDestinationPath: outside.path)
        #expect(
            RepositoryFile.text("clusters/dev/flux-system/gotk-components.yaml", in: root.url)
                == "# Flux Version: v2.4.0\n")
        #expect(
            RepositoryFile.text("./clusters//dev/flux-system/gotk-components.yaml", in: root.url, limit: 6) == "# Flux")
        for refused in [
            "link.yaml", "out/secret.txt", "../\(outside.url.lastPathComponent)/secret.txt",
            outside.url.appendingPathComponent("secret.txt").path,
            "clusters", "missing.yaml", "",
        ] {
            #expect(RepositoryFile.contents(refused, in: root.url) == nil, "\(refused) was read")
        }
    }
}
