import Manifests
import Testing

@testable import LockmasterKit

/// Rules and gates are each listed once, and the lists are what runs and what `--help` shows.
@Suite struct RuleListTests {
    @Test func everyCheckRuleRunsOnce() {
        let ids = CheckRules.all.map { $0.id }
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids) == Set(CheckRule.allCases))
    }

    @Test func everyDangerRuleBelongsToOneCheckInHelpOrder() {
        let rules = DangerReview.checks.flatMap { $0.rules }
        #expect(rules == DangerRule.allCases)
        #expect(DangerRules.help.split(separator: "\n").count == DangerRule.allCases.count)
    }

    @Test func helpListsEveryGate() {
        for id in ["clean-tree", "version-exists", "signature", "previous-environment", "order"] {
            #expect(PromotionGates.help.contains(id), "\(id)")
        }
    }
}

/// The step of a chart version change: exact versions by their parts, ranges by the major they start at.
@Suite struct VersionStepTests {
    private func step(_ from: String, _ to: String) -> (ServiceChange.Kind, VersionStep?) {
        let change = VersionStep.classify([
            ServiceChange(change: .upgraded, kind: "HelmRelease", name: "a/b", from: from, to: to)
        ])[0]
        return (change.change, change.step)
    }

    @Test func rangesThatCrossAMajorAreMajor() {
        #expect(step("~1.2.0", "~2.0.0") == (.upgraded, .major))
        #expect(step("1.x", "2.x") == (.upgraded, .major))
        #expect(step(">=3.1.0 <4.0.0", "^2") == (.downgraded, .downgrade))
        // Same major, or a range without a lower bound: no step is claimed.
        #expect(step("~1.2.0", "~1.3.0") == (.upgraded, nil))
        #expect(step("<2.0.0", "<3.0.0") == (.upgraded, nil))
        #expect(step("1.2.3", "1.3.0") == (.upgraded, .minor))
    }
}
