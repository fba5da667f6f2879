import Foundation
import LockmasterKit
import Support
import Testing

/// check's text names each problem once: the same finding at several places is one entry that lists the
/// others (JSON and annotations keep every place).
@Suite struct CheckFormatterTests {
    @Test func theSameFindingAtSeveralPlacesIsOneEntry() {
        let findings =
            ["a.yaml", "b.yaml", "c.yaml"].map {
                CheckFinding(
                    .notRendered, .warning, at: SourceLocation(path: $0, line: 3, column: 1),
                    "Kustomization x is not rendered offline")
            } + [
                CheckFinding(
                    .notRendered, .warning, at: SourceLocation(path: "d.yaml"),
                    "Kustomization y is not rendered offline")
            ]
        let text = CheckFormatter.text(CheckReport(base: nil, findings: findings, silenced: []))
        #expect(text.components(separatedBy: "Kustomization x is not rendered offline").count == 2, "\(text)")
        #expect(text.contains("also at 2 more places: b.yaml:3:1, c.yaml:3:1"), "\(text)")
        #expect(text.contains("d.yaml:1:1: warning: Kustomization y"), "\(text)")
        #expect(text.hasSuffix("0 errors, 4 warnings\n"))
        #expect(
            CheckFormatter.github(CheckReport(base: nil, findings: findings, silenced: [])).split(separator: "\n").count
                == 4)
    }
}
