import LockmasterKit
import Testing

/// The one duration grammar of lease TTLs and timeouts: digits with one decimal part and a unit, from a
/// millisecond to a century; nothing else `Double` would read.
@Suite struct TimeSpanTests {
    @Test(arguments: [
        ("30s", 30.0), ("10m", 600), ("36h", 129_600), ("7d", 604_800), ("2w", 1_209_600), ("2.5", 2.5),
        ("0.05s", 0.05),
        ("36600d", 3_162_240_000),
    ])
    func readsWhatItDocuments(_ text: String, _ seconds: Double) {
        #expect(TimeSpan(text)?.seconds == seconds)
    }

    @Test(arguments: [
        "", "0", "0s", "-1d", "+5d", ".5d", "5.d", "1e2d", "0x1p3d", "0x10", "nan", "inf", "1e-300s", "0.0001s",
        "36601d",
        " 7d", "7d ", "٣d", "５d", "5D", "5dd", "1_0s", "1ms", "7d\n",
    ])
    func refusesEverythingElse(_ text: String) {
        #expect(TimeSpan(text) == nil, "\(text.debugDescription)")
    }
}
