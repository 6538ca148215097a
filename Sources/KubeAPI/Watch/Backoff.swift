/// client-go's reflector backoff: start at 800 ms, double, cap at 30 s; each wait is
/// drawn uniformly from [d, 2d) so thousands of agents cut off together do not come
/// back together; after 2 minutes without a failure it starts again at 800 ms. Its user
/// may also start it over on a success (the watcher does when a watch delivers an event).
public struct BackoffPolicy: Sendable, Equatable {
    public var initial: Duration
    public var cap: Duration
    public var factor: Int
    /// A failure this long after the previous one starts again from `initial`.
    public var resetAfter: Duration

    public init(initial: Duration, cap: Duration, factor: Int = 2, resetAfter: Duration) {
        self.initial = initial
        self.cap = cap
        self.factor = factor
        self.resetAfter = resetAfter
    }

    public static let clientGo = BackoffPolicy(initial: .milliseconds(800), cap: .seconds(30), resetAfter: .seconds(120))
}

/// The running state of a `BackoffPolicy`.
public struct Backoff: Sendable {
    public let policy: BackoffPolicy
    private var base: Duration
    private var lastFailure: ContinuousClock.Instant?

    public init(policy: BackoffPolicy) {
        self.policy = policy
        base = policy.initial
    }

    /// The next failure waits `initial` again.
    public mutating func reset() {
        base = policy.initial
        lastFailure = nil
    }

    /// The wait before retrying a failure that happens `now`.
    public mutating func nextDelay(now: ContinuousClock.Instant, using random: inout some RandomNumberGenerator) -> Duration {
        if let lastFailure, now - lastFailure >= policy.resetAfter {
            base = policy.initial
        }
        lastFailure = now
        let delay = base
        base = min(base * policy.factor, policy.cap)
        return delay + delay * Double.random(in: 0..<1, using: &random)
    }
}
