import ArgumentParser
import Foundation
import LockmasterKit

/// `--now`: the clock leases are read against, for scripts and tests (else `LOCKMASTER_NOW`, else the system's).
struct ClockOptions: ParsableArguments {
    @Option(
        name: .customLong("now"),
        help: ArgumentHelp(
            "The time to judge leases at, RFC 3339 (default: LOCKMASTER_NOW, else now).", valueName: "TIME"))
    var time: String?

    func now() throws -> Date { try LeaseTime.now(explicit: time, environment: ProcessInfo.processInfo.environment) }
}
