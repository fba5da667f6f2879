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
