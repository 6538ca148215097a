/// The list+watch protocol of docs/kubernetes-watch.md for one ConfigMap, as a value that
/// takes what happened and returns what to do, so every rule is tested without
/// sockets (the way kube-rs separates `watcher` from its client). `Watcher` runs it.
///
/// The rules, in short: list first without a `resourceVersion` (a consistent read: the
/// watch cache that answers `resourceVersion=0` can lag behind etcd, and a pod started
/// by `kubectl rollout restart` right after `kubectl edit` would apply the previous
/// version), then watch from the list's version with bookmarks and a random 300–600 s
/// timeout; record the version of every event; after a normal close watch again from
/// there without listing; after a 410 (in the stream or as the answer) list again from
/// the last version (the cache may answer that: it is at least as fresh); a list
/// answered 410 or "too large resource version" is retried without a version;
/// everything else backs off (client-go's reflector backoff, `Retry-After` honoured)
/// and retries the same request, re-reading the token first after a 401. Nothing older
/// than what was already delivered is delivered again.
public struct WatcherStateMachine: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Each watch asks the server to close it after a random number of seconds in
        /// this range, so thousands of agents do not reconnect in step.
        public var watchTimeoutSeconds: ClosedRange<Int>
        public var backoff: BackoffPolicy
        /// A watch that ends sooner than this without a single event counts as a
        /// failure (client-go's "very short watch"), so a server that closes at once
        /// is not hammered.
        public var minimumWatchDuration: Duration
        /// A longer `Retry-After` is shortened to this: a misbehaving proxy must not park the agent for hours.
        public var maximumRetryAfter: Duration

        public init(
            watchTimeoutSeconds: ClosedRange<Int> = 300...600,
            backoff: BackoffPolicy = .clientGo,
            minimumWatchDuration: Duration = .seconds(1),
            maximumRetryAfter: Duration = .seconds(300)
        ) {
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.backoff = backoff
            self.minimumWatchDuration = minimumWatchDuration
            self.maximumRetryAfter = maximumRetryAfter
        }
    }

    /// What happened: the result of the last action, or time passing.
    public enum Input: Sendable, Equatable {
        /// Begin; the machine asks for the first list.
        case start
        case listSucceeded(ConfigMapListResult)
        case listFailed(KubeAPIError)
        /// The watch request was answered 200; events follow.
        case watchOpened
        case watchEvent(WatchEvent)
        /// The server ended the watch stream cleanly (its `timeoutSeconds` passed).
        case watchClosed
        /// The watch request was refused, or its stream broke.
        case watchFailed(KubeAPIError)
        /// The wait of a `.sleep` action is over.
        case timerFired
    }

    /// What to do. A step may return several; they are done in order. When a step
    /// returns none, the runner keeps reading the open watch stream. A `.list`,
    /// `.watch` or `.sleep` means the current stream, if any, is to be dropped.
    public enum Action: Sendable, Equatable {
        /// List the ConfigMap; nil means no `resourceVersion` (a consistent read).
        case list(resourceVersion: String?)
        case watch(resourceVersion: String, timeoutSeconds: Int)
        /// Wait, then feed `.timerFired`.
        case sleep(Duration)
        /// Re-read the token file before the retry (after a 401).
        case reloadCredentials
        case deliver(WatchDelivery)
    }

    public enum Operation: String, Sendable, Equatable {
        case list, watch
    }

    /// A failed request, for logs, `/status` and metrics.
    public struct Failure: Sendable, Equatable {
        public var operation: Operation
        public var error: KubeAPIError
        public var at: ContinuousClock.Instant
    }

    public struct Counters: Sendable, Equatable {
        public var lists = 0
        public var watches = 0
        public var failures = 0
        /// Lists after the first one.
        public var relists: Int { max(0, lists - 1) }
        /// Watch requests after the first one.
        public var watchRestarts: Int { max(0, watches - 1) }
    }

    public let configuration: Configuration
    public private(set) var counters = Counters()
    /// The most recent failure, kept after recovery.
    public private(set) var lastFailure: Failure?
    /// The failure not yet followed by a successful list or watch: a condition to report
    /// (a 403 is an RBAC problem for the operator, not a crash).
    public private(set) var activeFailure: Failure?
    /// Where the next watch or relist starts: the version of the last list or event
    /// (bookmarks included); "0" until the first list succeeds (the first list itself
    /// names no version).
    public private(set) var resumeResourceVersion = "0"

    private var phase = Phase.idle
    private var delivered = Delivered.nothing
    private var backoff: Backoff

    private enum Phase: Sendable {
        case idle
        case listing(resourceVersion: String?)
        case openingWatch
        case watching(openedAt: ContinuousClock.Instant, events: Int)
        case waiting(then: Request)
    }

    private enum Request: Sendable {
        case list(resourceVersion: String?)
        case watch
    }

    /// The state last delivered, and its version.
    private enum Delivered: Sendable {
        case nothing
        case present(resourceVersion: String)
        case absent(resourceVersion: String)

        var resourceVersion: String? {
            switch self {
            case .nothing: nil
            case .present(let version), .absent(let version): version
            }
        }
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        backoff = Backoff(policy: configuration.backoff)
    }

    /// Feeds one input and returns the actions it calls for. Inputs must answer the
    /// actions in order (a `.list` is answered by `.listSucceeded` or `.listFailed`, …);
    /// anything else is a bug in the runner and stops the process.
    public mutating func handle(
        _ input: Input, now: ContinuousClock.Instant, using random: inout some RandomNumberGenerator
    ) -> [Action] {
        switch (input, phase) {
        case (.start, .idle):
            return perform(.list(resourceVersion: nil), using: &random)
        case (.listSucceeded(let result), .listing):
            return listSucceeded(result, using: &random)
        case (.listFailed(let error), .listing(let version)):
            return fail(error, retrying: .list(resourceVersion: version), now: now, using: &random)
        case (.watchOpened, .openingWatch):
            phase = .watching(openedAt: now, events: 0)
            activeFailure = nil
            return []
        case (.watchEvent(let event), .watching(let openedAt, let events)):
            phase = .watching(openedAt: openedAt, events: events + 1)
            if event.resourceVersion != nil {
                // A watch that delivers is healthy again: the next isolated failure starts the
                // backoff over (kube-rs StreamBackoff) instead of paying for earlier faults.
                backoff.reset()
            }
            return receive(event, now: now, using: &random)
        case (.watchClosed, .watching(let openedAt, let events)):
            let lasted = now - openedAt
            if events == 0 && lasted < configuration.minimumWatchDuration {
                let error = KubeAPIError.connection(
                    "the server closed the watch after \(lasted.secondsText) without sending an event"
                )
                return fail(error, retrying: .watch, now: now, using: &random)
            }
            return perform(.watch, using: &random)
        case (.watchFailed(let error), .openingWatch), (.watchFailed(let error), .watching):
            return fail(error, retrying: .watch, now: now, using: &random)
        case (.timerFired, .waiting(let request)):
            return perform(request, using: &random)
        default:
            preconditionFailure("WatcherStateMachine got \(input) while \(phase): the runner fed an input out of order")
        }
    }

    private mutating func perform(_ request: Request, using random: inout some RandomNumberGenerator) -> [Action] {
        switch request {
        case .list(let version):
            counters.lists += 1
            phase = .listing(resourceVersion: version)
            return [.list(resourceVersion: version)]
        case .watch:
            counters.watches += 1
            phase = .openingWatch
            let timeout = Int.random(in: configuration.watchTimeoutSeconds, using: &random)
            return [.watch(resourceVersion: resumeResourceVersion, timeoutSeconds: timeout)]
        }
    }

    private mutating func listSucceeded(_ result: ConfigMapListResult, using random: inout some RandomNumberGenerator) -> [Action] {
        activeFailure = nil
        resumeResourceVersion = result.resourceVersion
        var actions: [Action] = []
        if let delivery = reconcile(listed: result) {
            actions.append(.deliver(delivery))
        }
        return actions + perform(.watch, using: &random)
    }

    /// A list is the authoritative state: deliver it unless it is what was delivered
    /// already or older. A version that cannot be compared is delivered (the list is
    /// fresh by construction), or a server with odd versions would relist forever.
    private mutating func reconcile(listed result: ConfigMapListResult) -> WatchDelivery? {
        let candidate: WatchDelivery
        let version: String
        if let object = result.object {
            candidate = .applied(object)
            version = object.resourceVersion
        } else {
            if case .absent = delivered { return nil }
            candidate = .absent(resourceVersion: result.resourceVersion)
            version = result.resourceVersion
        }
        if let deliveredVersion = delivered.resourceVersion {
            switch ResourceVersionOrder(version, comparedTo: deliveredVersion) {
            case .older, .same: return nil
            case .newer, .incomparable: break
            }
        }
        record(candidate)
        return candidate
    }

    private mutating func receive(
        _ event: WatchEvent, now: ContinuousClock.Instant, using random: inout some RandomNumberGenerator
    ) -> [Action] {
        let candidate: WatchDelivery
        switch event {
        case .bookmark(let version):
            resumeResourceVersion = version
            return []
        case .error(let status):
            let failure = HTTPFailure(
                request: "watch stream ERROR event",
                code: status.code ?? (status.isResourceVersionExpired ? 410 : 500),
                status: status,
                retryAfter: status.retryAfterSeconds.map { .seconds($0) }
            )
            return fail(.status(failure), retrying: .watch, now: now, using: &random)
        case .added(let object), .modified(let object):
            resumeResourceVersion = object.resourceVersion
            candidate = .applied(object)
        case .deleted(let object):
            resumeResourceVersion = object.resourceVersion
            if case .absent = delivered { return [] }
            candidate = .absent(resourceVersion: object.resourceVersion)
        }
        if let deliveredVersion = delivered.resourceVersion {
            switch ResourceVersionOrder(candidate.resourceVersion, comparedTo: deliveredVersion) {
            case .older, .same:
                return []
            case .incomparable:
                // Cannot tell whether this is news: ask the server for the current state.
                return perform(.list(resourceVersion: resumeResourceVersion), using: &random)
            case .newer:
                break
            }
        }
        record(candidate)
        return [.deliver(candidate)]
    }

    private mutating func record(_ delivery: WatchDelivery) {
        switch delivery {
        case .applied(let object): delivered = .present(resourceVersion: object.resourceVersion)
        case .absent(let version): delivered = .absent(resourceVersion: version)
        }
    }

    /// What a failure calls for, per the error table of docs/kubernetes-watch.md.
    private enum Recovery {
        /// 410, "too large resource version": the version is not in the server's history.
        case versionUnavailable
        /// The stream made no sense; an event may have been lost.
        case resynchronize
        /// 401: re-read the token, then retry.
        case reauthenticate
        /// 429, 5xx, 403, 404, refused, reset, idle: wait and retry the same request.
        case retry
    }

    private static func recovery(for error: KubeAPIError) -> Recovery {
        switch error {
        case .status(let failure):
            if failure.code == 410 || failure.status?.isResourceVersionExpired == true
                || failure.status?.isResourceVersionTooLarge == true
            {
                return .versionUnavailable
            }
            return failure.code == 401 ? .reauthenticate : .retry
        case .malformedResponse:
            return .resynchronize
        case .connection, .idleTimeout:
            return .retry
        }
    }

    /// Records the failure of `failed`, backs off, and arranges the request to make after the wait.
    private mutating func fail(
        _ error: KubeAPIError,
        retrying failed: Request,
        now: ContinuousClock.Instant,
        using random: inout some RandomNumberGenerator
    ) -> [Action] {
        let operation: Operation
        switch failed {
        case .list: operation = .list
        case .watch: operation = .watch
        }
        counters.failures += 1
        let failure = Failure(operation: operation, error: error, at: now)
        lastFailure = failure
        activeFailure = failure

        var actions: [Action] = []
        let next: Request
        switch Self.recovery(for: error) {
        case .versionUnavailable:
            // A list that cannot be served at a version is retried once as a consistent
            // read; a watch that cannot resume lists again from the last version.
            next = .list(resourceVersion: operation == .list ? nil : resumeResourceVersion)
        case .resynchronize:
            next = operation == .list ? failed : .list(resourceVersion: resumeResourceVersion)
        case .reauthenticate:
            actions.append(.reloadCredentials)
            next = failed
        case .retry:
            next = failed
        }

        var delay = backoff.nextDelay(now: now, using: &random)
        if case .status(let httpFailure) = error, let retryAfter = httpFailure.retryAfter {
            delay = max(delay, min(retryAfter, configuration.maximumRetryAfter))
        }
        phase = .waiting(then: next)
        actions.append(.sleep(delay))
        return actions
    }
}
