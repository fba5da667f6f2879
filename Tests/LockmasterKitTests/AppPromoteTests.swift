import Foundation
import LockmasterKit
import TestSupport
import Testing

@Suite struct AppPromoteTests {
    func release(version: String, values: String, indent: String = "    ") -> String {
        """
        # podinfo for this environment
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: podinfo
          namespace: app-a
        spec:
          interval: 10m # keep
          chart:
            spec:
              chart: podinfo
              version: "\(version)"
              sourceRef: {kind: HelmRepository, name: podinfo, namespace: flux-system}
          values:
        \(values.split(separator: "\n").map { indent + $0 }.joined(separator: "\n"))
          upgrade:
            remediation: {retries: 3}

        """
    }

    func repository() async throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write(PlatformFixture.files())
        try directory.write(
            "clusters/development/apps/podinfo.yaml",
            release(version: "6.5.4", values: "replicaCount: 2\nui:\n  color: \"#34577c\"  # blue\n"))
        try directory.write(
            "clusters/staging/apps/podinfo.yaml", release(version: "6.5.0", values: "replicaCount: 1\n"))
        try await TestGit.commitAll(in: directory.url)
        return directory
    }

    @Test func copiesTheVersionAndWithValuesTheBlock() async throws {
        let repository = try await repository()
        let promoter = AppPromoter(git: TestGit.client)
        let report = try await promoter.run(
            AppPromoteRequest(repository: repository.url, name: "podinfo", from: "development", to: "staging"))
        #expect(report.previousVersion == "6.5.0" && report.fromVersion == "6.5.4")
        #expect(report.branch == "promote/app-podinfo-staging-6.5.4")
        #expect(
            try repository.read("clusters/staging/apps/podinfo.yaml")
                == release(version: "6.5.4", values: "replicaCount: 1\n"))
        try await TestGit.run(["switch", "-q", "main"], in: repository.url)
        _ = try await promoter.run(
            AppPromoteRequest(
                repository: repository.url, name: "podinfo", from: "development", to: "staging", values: true,
                branch: .named("podinfo-values")))
        #expect(
            try repository.read("clusters/staging/apps/podinfo.yaml")
                == release(version: "6.5.4", values: "replicaCount: 2\nui:\n  color: \"#34577c\"  # blue\n"))
    }

    @Test func refusesMissingReleasesAndGoingBackwards() async throws {
        let repository = try await repository()
        let promoter = AppPromoter(git: TestGit.client)
        await #expect {
            try await promoter.run(
                AppPromoteRequest(repository: repository.url, name: "podinfo", from: "staging", to: "development"))
        } throws: {
            "\($0)"
                == "podinfo would go backwards in development: 6.5.4 there is newer than 6.5.0; promote forward only"
        }
        await #expect {
            try await promoter.run(
                AppPromoteRequest(repository: repository.url, name: "nginx", from: "development", to: "staging"))
        } throws: {
            "\($0)".hasPrefix("no HelmRelease nginx under clusters/development/apps in development")
        }
        #expect(try await TestGit.run(["status", "--porcelain"], in: repository.url) == "")
        #expect(try await TestGit.run(["branch", "--list"], in: repository.url) == "* main\n")
    }
}
