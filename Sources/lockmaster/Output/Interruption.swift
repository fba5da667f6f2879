import Dispatch
import Foundation

/// Ctrl-C during a long operation: remembered, so the operation stops after its current step.
final class Interruption: @unchecked Sendable {  // `flag` is guarded by `lock`
    private let lock = NSLock()
    private var flag = false
    private var source: (any DispatchSourceSignal)?

    var requested: Bool { lock.withLock { flag } }

    static func install() -> Interruption {
        let interruption = Interruption()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            interruption.lock.withLock { interruption.flag = true }
            FileHandle.standardError.write(Data("\ninterrupted: stopping after the current step\n".utf8))
        }
        source.resume()
        interruption.source = source
        return interruption
    }
}
