import Foundation
import LockmasterKit
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `status -o html` with the real data of the demo repository: a well-formed, self-contained page whose
/// lane has the environments in promotion order, with what each runs, and the demo's pin history.
@Suite struct StatusHTMLTests {
    @Test func theDemoRepositoryDrawsItsLane() async throws {
        let repository = try await DemoRunner(keep: true).run(emit: { _ in })
        defer { try? FileManager.default.removeItem(at: repository.deletingLastPathComponent()) }
        let git = TestGit.client
        let report = try await FleetStatus(git: git).run(FleetStatusRequest(repository: repository))
        let history = try await EnvironmentHistory(git: git).run(repository: repository)
        let html = StatusHTMLFormatter.format(report, history: history, generated: "2026-11-28T00:00:00Z")

        // Self-contained: nothing is fetched, nothing runs.
        for outside in ["src=", "href=", "url(", "@import", "<script", "<link"] {
            #expect(!html.contains(outside), "the page refers to \(outside)")
        }
        let document = try XMLDocument(xmlString: html, options: [])
        let stations = try document.nodes(forXPath: "//li[contains(@class,'station')]").compactMap { $0 as? XMLElement }
        #expect(
            stations.compactMap { $0.attribute(forName: "data-environment")?.stringValue } == [
                "development", "staging", "production",
            ])
        let texts = stations.map { $0.stringValue ?? "" }
        #expect(texts[0].contains("runs main@"))
        #expect(
            texts[1].contains("semver ~0.1.0") && texts[1].contains("runs 0.1.1 sha256:")
                && texts[1].contains("behind development"))
        #expect(
            texts[2].contains("tag 0.1.0") && texts[2].contains("runs 0.1.0 sha256:")
                && texts[2].contains("1 version behind staging (0.1.1)"))
        #expect(texts.allSatisfy { $0.contains("health: not asked") })
        let rows = try document.nodes(forXPath: "//table[@class='history']/tr[td]")
        #expect(rows.count == min(20, history.count) && history.count == 5)
        #expect(rows.first?.stringValue?.contains("production") == true)
    }

    @Test func everyTextIsEscaped() throws {
        let json = """
            {"repository": "r&d", "clustersDir": "clusters", "diagnostics": [], "environments": [
              {"name": "<script>alert(1)</script>", "directory": "d", "kind": "pinned", "ref": "\\"'&", "kustomizations": []}]}
            """
        let report = try JSONDecoder().decode(StatusReport.self, from: Data(json.utf8))
        let html = StatusHTMLFormatter.format(report, history: [], generated: "now")
        #expect(
            !html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                && html.contains("&quot;&#39;&amp;"))
        #expect(throws: Never.self) { try XMLDocument(xmlString: html, options: []) }
    }
}
