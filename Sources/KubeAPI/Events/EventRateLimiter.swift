/// The local limit on Events: a token bucket (a burst, then one Event per refill
/// interval), and no repeat of the same reason and note within a window. Pure: the
/// caller passes the time.
///
/// Events are posted only on a change of state, but a flapping state or a loop must
/// not turn thousands of nodes into an Event storm.
public struct EventRateLimiter: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Events that may go out back to back.
        public var burst: Int
        /// One more Event is allowed per interval, up to `burst`.
        public var refillInterval: Duration
        /// The same reason and note are not posted again within this window.
        public var duplicateWindow: Duration

        public init(burst: Int = 10, refillInterval: Duration = .seconds(60), duplicateWindow: Duration = .seconds(600)) {
            self.burst = burst
            self.refillInterval = refillInterval
            self.duplicateWindow = duplicateWindow
        }
    }

    public enum Decision: Sendable, Equatable {
        case post
        /// The same reason and note went out within the duplicate window.
        case duplicate
        /// The bucket is empty.
        case rateLimited
    }

    public let configuration: Configuration
    private var tokens: Int
    private var refilledAt: ContinuousClock.Instant?
    /// When each recently posted reason+note went out; pruned to the duplicate window,
    /// so it never holds more than the bucket let through in that time.
    private var recent: [Key: ContinuousClock.Instant] = [:]

    private struct Key: Hashable, Sendable {
        let reason: String
        let note: String
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        tokens = configuration.burst
    }

    /// Whether an Event with this reason and note may be posted `now`. A `.post` takes a
    /// token and counts as posted for the duplicate window.
    public mutating func admit(reason: String, note: String, now: ContinuousClock.Instant) -> Decision {
        recent = recent.filter { now - $0.value < configuration.duplicateWindow }
        let key = Key(reason: reason, note: note)
        if recent[key] != nil { return .duplicate }
        refill(now: now)
        guard tokens > 0 else { return .rateLimited }
        tokens -= 1
        recent[key] = now
        return .post
    }

    /// Forgets a post that failed, so the same Event may be tried again; the token stays spent.
    public mutating func forget(reason: String, note: String) {
        recent[Key(reason: reason, note: note)] = nil
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        guard let refilledAt else {
            refilledAt = now
            return
        }
        let earned = Int((now - refilledAt) / configuration.refillInterval)
        guard earned > 0 else { return }
        if tokens + earned >= configuration.burst {
            tokens = configuration.burst
            self.refilledAt = now
        } else {
            tokens += earned
            self.refilledAt = refilledAt + configuration.refillInterval * earned
        }
    }
}
