import Foundation

/// A count shared with a property-check body, which may run on any thread.
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    public init() {}

    public var value: Int { lock.withLock { count } }
    public func add() { lock.withLock { count += 1 } }
}
