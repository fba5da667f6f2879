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

    public init(
        attempts: Int = 6, base: Duration = .milliseconds(100), cap: Duration = .seconds(2),
        maxRetryAfter: Duration = .seconds(10), deadline: Duration = .seconds(300)
    ) {
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self.maxRetryAfter = maxRetryAfter
        self.deadline = deadline
    }

    /// What one try came to: a value to return, or one to try again for (a 429 or 5xx answer, with the
    /// registry's `Retry-After`), which is returned as it is once the attempts or the deadline run out.
    enum Outcome<Value: Sendable>: Sendable {
        case done(Value)
        case tryAgain(Value, retryAfter: String?)
    }

    /// The one retry loop: runs `body` until it is done, its error is not transient, or the attempts or
    /// the deadline run out, waiting `delay` between tries and telling `onRetry` before each. With
    /// `retrying` false a single try is made.
    func run<Value: Sendable>(
        retrying: Bool = true, onRetry: () async -> Void,
        _ body: () async throws -> Outcome<Value>
    ) async throws -> Value {
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 0
        while true {
            let outcome: Outcome<Value>
            do {
                outcome = try await body()
            } catch let error as RegistryError where retrying && error.isTransient {
                attempt += 1
                guard attempt < attempts, clock.now - start < deadline else { throw error }
                await onRetry()
                try await Task.sleep(for: delay(attempt: attempt, retryAfter: nil))
                continue
            }
            switch outcome {
            case .done(let value):
                return value
            case .tryAgain(let value, let retryAfter):
                guard retrying, attempt + 1 < attempts, clock.now - start < deadline else { return value }
                attempt += 1
                await onRetry()
                try await Task.sleep(for: delay(attempt: attempt, retryAfter: retryAfter))
            }
        }
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
