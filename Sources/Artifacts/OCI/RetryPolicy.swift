import Foundation

/// How registry requests are retried: capped exponential backoff with jitter, `Retry-After` honoured
/// (up to a cap), and a total deadline for one operation.
public struct RetryPolicy: Sendable {
    public var attempts: Int
    public var base: Duration
    public var cap: Duration
    public var maxRetryAfter: Duration
    /// No operation (a request with its retries, or a whole blob upload) runs longer than this.
    public var deadline: Duration

    public init(attempts: Int = 6, base: Duration = .milliseconds(100), cap: Duration = .seconds(2),
                maxRetryAfter: Duration = .seconds(10), deadline: Duration = .seconds(300)) {
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self.maxRetryAfter = maxRetryAfter
        self.deadline = deadline
    }

    /// The pause before retry number `attempt` (1-based): base·2^(attempt-1), capped, with ±50 % jitter;
    /// or the registry's `Retry-After` when it gave one.
    func delay(attempt: Int, retryAfter: String?) -> Duration {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)) {
            return min(.milliseconds(Int(seconds * 1000)), maxRetryAfter)
        }
        let exponential = base * Int(pow(2.0, Double(attempt - 1)))
        let capped = min(exponential, cap)
        return capped * Double.random(in: 0.5...1.5)
    }
}

/// Counts what the registry client did to get through faults (for the soak test's figures).
public actor RegistryStatistics {
    public private(set) var retries = 0
    public private(set) var uploadRestarts = 0

    public init() {}

    func retried() { retries += 1 }
    func restarted() { uploadRestarts += 1 }
}
