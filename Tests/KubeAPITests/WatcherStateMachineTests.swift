import TestSupport
import Testing
@testable import KubeAPI

/// Drives a `WatcherStateMachine` with a hand-moved clock and fixed random draws
/// (by default every jittered wait is its lower bound, every watch timeout 300 s).
struct MachineDriver {
    var machine = WatcherStateMachine()
    var random = FixedRandom(value: FixedRandom.lowest)
    let start = ContinuousClock.now
    var elapsed = Duration.zero

    var now: ContinuousClock.Instant { start + elapsed }

    init(configuration: WatcherStateMachine.Configuration = .init(), random: UInt64 = FixedRandom.lowest) {
        machine = WatcherStateMachine(configuration: configuration)
        self.random = FixedRandom(value: random)
    }

    mutating func send(_ input: WatcherStateMachine.Input, after delay: Duration = .zero) -> [WatcherStateMachine.Action] {
        elapsed += delay
        return machine.handle(input, now: now, using: &random)
    }

    /// The watch timeout the fixed draws give.
    var watchTimeout: Int {
        random.value == .max ? machine.configuration.watchTimeoutSeconds.upperBound : machine.configuration.watchTimeoutSeconds.lowerBound
    }

    /// First list (a consistent read), answered with list version 100 holding the object at 90; the watch opens.
    mutating func startWatching(object: ConfigMapObject? = configMap("90")) {
        #expect(send(.start) == [.list(resourceVersion: nil)])
        let actions = send(.listSucceeded(ConfigMapListResult(resourceVersion: "100", object: object)))
        let delivery: WatchDelivery = object.map { .applied($0) } ?? .absent(resourceVersion: "100")
        #expect(actions == [.deliver(delivery), .watch(resourceVersion: "100", timeoutSeconds: watchTimeout)])
        #expect(send(.watchOpened, after: .seconds(5)) == [])
    }
}

struct WatcherStateMachineErrorTableTests {
    /// One row of docs/kubernetes-watch.md's error table, as the machine must answer it.
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let input: WatcherStateMachine.Input
        let reloadsCredentials: Bool
        let delay: Duration
        let next: WatcherStateMachine.Action
        var testDescription: String { name }
    }

    static let backoff = Duration.milliseconds(800)

    static let watchRows: [Row] = [
        Row(name: "in-stream ERROR 410 Expired relists from the last version",
            input: .watchEvent(.error(KubeStatus(code: 410, reason: "Expired", message: "too old resource version: 100 (250)"))),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: "100")),
        Row(name: "in-stream ERROR with reason Gone and no code relists",
            input: .watchEvent(.error(KubeStatus(code: nil, reason: "Gone"))),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: "100")),
        Row(name: "HTTP 410 on the watch request relists",
            input: .watchFailed(httpError(410, reason: "Gone")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: "100")),
        Row(name: "HTTP 429 backs off for Retry-After and rewatches from the same version",
            input: .watchFailed(httpError(429, reason: "TooManyRequests", retryAfter: .seconds(5))),
            reloadsCredentials: false, delay: .seconds(5), next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "HTTP 500 backs off and rewatches",
            input: .watchFailed(httpError(500, reason: "InternalError")),
            reloadsCredentials: false, delay: backoff, next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "HTTP 503 backs off and rewatches",
            input: .watchFailed(httpError(503, reason: "ServiceUnavailable")),
            reloadsCredentials: false, delay: backoff, next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "HTTP 504 backs off and rewatches",
            input: .watchFailed(httpError(504, reason: "Timeout")),
            reloadsCredentials: false, delay: backoff, next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "HTTP 504 too large resource version relists",
            input: .watchFailed(httpError(504, reason: "Timeout", message: "Too large resource version: 100, current: 50")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: "100")),
        Row(name: "connection refused backs off and rewatches",
            input: .watchFailed(.connection("connect: Connection refused (errno: 111)")),
            reloadsCredentials: false, delay: backoff, next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "connection reset backs off and rewatches",
            input: .watchFailed(.connection("read: Connection reset by peer (errno: 104)")),
            reloadsCredentials: false, delay: backoff, next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "HTTP 401 re-reads the token, backs off and rewatches",
            input: .watchFailed(httpError(401, reason: "Unauthorized")),
            reloadsCredentials: true, delay: backoff, next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "HTTP 403 on the watch backs off and rewatches",
            input: .watchFailed(httpError(403, reason: "Forbidden")),
            reloadsCredentials: false, delay: backoff, next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "idle read timeout drops the connection and rewatches",
            input: .watchFailed(.idleTimeout(.seconds(180))),
            reloadsCredentials: false, delay: backoff, next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
        Row(name: "a malformed event relists (one may have been lost)",
            input: .watchFailed(.malformedResponse("a watch event is not valid JSON")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: "100")),
        Row(name: "in-stream ERROR 500 honours details.retryAfterSeconds and rewatches",
            input: .watchEvent(.error(KubeStatus(code: 500, reason: "InternalError", retryAfterSeconds: 3))),
            reloadsCredentials: false, delay: .seconds(3), next: .watch(resourceVersion: "100", timeoutSeconds: 300)),
    ]

    @Test(arguments: watchRows)
    func watchFailure(_ row: Row) {
        var driver = MachineDriver()
        driver.startWatching()
        let actions = driver.send(row.input)
        let expected: [WatcherStateMachine.Action] = (row.reloadsCredentials ? [.reloadCredentials] : []) + [.sleep(row.delay)]
        #expect(actions == expected)
        #expect(driver.machine.activeFailure?.operation == .watch)
        #expect(driver.send(.timerFired, after: row.delay) == [row.next])
        #expect(driver.machine.counters.failures == 1)
    }

    static let listRows: [Row] = [
        Row(name: "list 410 is retried without a resourceVersion",
            input: .listFailed(httpError(410, reason: "Expired")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: nil)),
        Row(name: "list too large resource version is retried without a resourceVersion",
            input: .listFailed(httpError(504, reason: "Timeout", message: "Too large resource version")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: nil)),
        Row(name: "list 403 backs off and lists again",
            input: .listFailed(httpError(403, reason: "Forbidden")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: nil)),
        Row(name: "list 404 backs off and lists again",
            input: .listFailed(httpError(404, reason: "NotFound")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: nil)),
        Row(name: "list 429 honours Retry-After",
            input: .listFailed(httpError(429, retryAfter: .seconds(7))),
            reloadsCredentials: false, delay: .seconds(7), next: .list(resourceVersion: nil)),
        Row(name: "list 500 backs off and lists again",
            input: .listFailed(httpError(500)),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: nil)),
        Row(name: "list 503 backs off and lists again",
            input: .listFailed(httpError(503)),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: nil)),
        Row(name: "list 401 re-reads the token and lists again",
            input: .listFailed(httpError(401)),
            reloadsCredentials: true, delay: backoff, next: .list(resourceVersion: nil)),
        Row(name: "list connection refused backs off and lists again",
            input: .listFailed(.connection("Connection refused")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: nil)),
        Row(name: "list malformed body backs off and lists again",
            input: .listFailed(.malformedResponse("not JSON")),
            reloadsCredentials: false, delay: backoff, next: .list(resourceVersion: nil)),
    ]

    @Test(arguments: listRows)
    func listFailure(_ row: Row) {
        var driver = MachineDriver()
        #expect(driver.send(.start) == [.list(resourceVersion: nil)])
        let actions = driver.send(row.input)
        let expected: [WatcherStateMachine.Action] = (row.reloadsCredentials ? [.reloadCredentials] : []) + [.sleep(row.delay)]
        #expect(actions == expected)
        #expect(driver.machine.activeFailure?.operation == .list)
        #expect(driver.send(.timerFired, after: row.delay) == [row.next])
        // Nothing was delivered: the agent still waits for its first state.
        #expect(driver.machine.counters.lists == 2)
    }

    @Test func aRelistAnswered410IsRetriedOnceWithoutVersionThenResumesNormally() {
        var driver = MachineDriver()
        driver.startWatching()
        _ = driver.send(.watchEvent(.bookmark(resourceVersion: "180")))
        #expect(driver.send(.watchFailed(httpError(410))) == [.sleep(.milliseconds(800))])
        #expect(driver.send(.timerFired, after: .seconds(1)) == [.list(resourceVersion: "180")])
        #expect(driver.send(.listFailed(httpError(410, reason: "Expired"))) == [.sleep(.milliseconds(1600))])
        #expect(driver.send(.timerFired, after: .seconds(2)) == [.list(resourceVersion: nil)])
        // A consistent read that fails for another reason is retried as a consistent read.
        #expect(driver.send(.listFailed(httpError(503))) == [.sleep(.milliseconds(3200))])
        #expect(driver.send(.timerFired, after: .seconds(4)) == [.list(resourceVersion: nil)])
        let actions = driver.send(.listSucceeded(ConfigMapListResult(resourceVersion: "300", object: configMap("90"))))
        #expect(actions == [.watch(resourceVersion: "300", timeoutSeconds: 300)])
        #expect(driver.send(.watchOpened) == [])
        // The next relist asks for the last version again, not for a consistent read.
        _ = driver.send(.watchEvent(.error(KubeStatus(code: 410, reason: "Expired"))))
        #expect(driver.send(.timerFired, after: .seconds(10)) == [.list(resourceVersion: "300")])
        #expect(driver.machine.counters.relists == 4)
    }

    @Test func forbiddenListKeepsTryingAndIsReportedUntilItSucceeds() {
        var driver = MachineDriver()
        _ = driver.send(.start)
        var delays: [Duration] = []
        for _ in 0..<4 {
            let actions = driver.send(.listFailed(httpError(403, reason: "Forbidden", message: "configmaps is forbidden")))
            guard case .sleep(let delay) = actions.last else {
                Issue.record("expected a sleep, got \(actions)")
                return
            }
            delays.append(delay)
            #expect(driver.machine.activeFailure?.error.statusCode == 403)
            #expect(driver.send(.timerFired, after: delay) == [.list(resourceVersion: nil)])
        }
        #expect(delays == [.milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400)])
        _ = driver.send(.listSucceeded(ConfigMapListResult(resourceVersion: "5", object: nil)))
        #expect(driver.machine.activeFailure == nil)
        #expect(driver.machine.lastFailure?.error.statusCode == 403)
        #expect(driver.machine.counters.failures == 4)
    }
}

/// Which lists must reach etcd: the first one and its retries ask for no `resourceVersion`
/// (a consistent read), because the watch cache that answers `resourceVersion=0` can lag, and
/// a pod started right after an edit would apply the previous version. A relist after a 410
/// may be answered by the cache: it names the last version seen, which the cache waits for.
struct WatcherStateMachineReadConsistencyTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        /// Whether the rows' inputs follow a first list (version 100) and an open watch.
        let afterFirstList: Bool
        let inputs: [WatcherStateMachine.Input]
        let list: String?
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "the first list is a consistent read", afterFirstList: false, inputs: [], list: nil),
        Row(name: "the first list retried after a 503 is still a consistent read", afterFirstList: false,
            inputs: [.listFailed(httpError(503)), .timerFired], list: nil),
        Row(name: "the first list retried after a 401 is still a consistent read", afterFirstList: false,
            inputs: [.listFailed(httpError(401)), .timerFired], list: nil),
        Row(name: "the first list retried after a refused connection is still a consistent read", afterFirstList: false,
            inputs: [.listFailed(.connection("Connection refused")), .timerFired], list: nil),
        Row(name: "a relist after an in-stream 410 may be served from the cache", afterFirstList: true,
            inputs: [.watchEvent(.error(KubeStatus(code: 410, reason: "Expired"))), .timerFired], list: "100"),
        Row(name: "a relist after a bookmark and a 410 on the watch request names the bookmark", afterFirstList: true,
            inputs: [.watchEvent(.bookmark(resourceVersion: "150")), .watchFailed(httpError(410)), .timerFired], list: "150"),
        Row(name: "a relist after a malformed event may be served from the cache", afterFirstList: true,
            inputs: [.watchFailed(.malformedResponse("not JSON")), .timerFired], list: "100"),
    ]

    @Test(arguments: rows)
    func listVersion(_ row: Row) {
        var driver = MachineDriver()
        var actions: [WatcherStateMachine.Action]
        if row.afterFirstList {
            driver.startWatching()
            actions = []
        } else {
            actions = driver.send(.start)
        }
        for input in row.inputs {
            actions = driver.send(input, after: .seconds(2))
        }
        #expect(actions == [.list(resourceVersion: row.list)])
    }
}

struct WatcherStateMachineStreamTests {
    @Test func firstListOfAMissingConfigMapDeliversAbsent() {
        var driver = MachineDriver()
        driver.startWatching(object: nil)
        #expect(driver.machine.resumeResourceVersion == "100")
    }

    @Test func everyEventVersionIsRecordedAndANormalCloseRewatchesFromItWithoutRelisting() {
        var driver = MachineDriver()
        driver.startWatching()
        #expect(driver.send(.watchEvent(.bookmark(resourceVersion: "150"))) == [])
        #expect(driver.machine.resumeResourceVersion == "150")
        #expect(driver.send(.watchEvent(.modified(configMap("160")))) == [.deliver(.applied(configMap("160")))])
        #expect(driver.send(.watchEvent(.bookmark(resourceVersion: "170"))) == [])
        #expect(driver.send(.watchClosed, after: .seconds(300)) == [.watch(resourceVersion: "170", timeoutSeconds: 300)])
        #expect(driver.machine.counters.relists == 0)
        #expect(driver.machine.counters.watchRestarts == 1)
        #expect(driver.machine.counters.failures == 0)
    }

    @Test func aWatchClosedAtOnceWithoutEventsIsAFailure() {
        var driver = MachineDriver()
        driver.startWatching()
        let actions = driver.send(.watchClosed, after: .milliseconds(200))
        #expect(actions == [.sleep(.milliseconds(800))])
        #expect(driver.machine.counters.failures == 1)
        #expect(driver.send(.timerFired, after: .seconds(1)) == [.watch(resourceVersion: "100", timeoutSeconds: 300)])
    }

    @Test func aQuietWatchThatLastedClosesNormally() {
        var driver = MachineDriver()
        driver.startWatching()
        #expect(driver.send(.watchClosed, after: .seconds(2)) == [.watch(resourceVersion: "100", timeoutSeconds: 300)])
        #expect(driver.machine.counters.failures == 0)
    }

    @Test func nothingOlderOrEqualToWhatWasDeliveredIsDeliveredAgain() {
        var driver = MachineDriver()
        driver.startWatching()  // delivered 90
        #expect(driver.send(.watchEvent(.modified(configMap("80")))) == [])
        #expect(driver.send(.watchEvent(.added(configMap("90")))) == [])
        #expect(driver.send(.watchEvent(.modified(configMap("1000")))) == [.deliver(.applied(configMap("1000")))])
        // Integer order, not string order: "999" < "1000".
        #expect(driver.send(.watchEvent(.modified(configMap("999")))) == [])
        #expect(driver.send(.watchEvent(.deleted(configMap("1000")))) == [])
        #expect(driver.send(.watchEvent(.deleted(configMap("1001")))) == [.deliver(.absent(resourceVersion: "1001"))])
        // Already absent: a second deletion is no news.
        #expect(driver.send(.watchEvent(.deleted(configMap("1002")))) == [])
        #expect(driver.machine.resumeResourceVersion == "1002")
    }

    @Test func aVersionThatIsNotAnIntegerRelists() {
        var driver = MachineDriver()
        driver.startWatching()
        #expect(driver.send(.watchEvent(.modified(configMap("abc")))) == [.list(resourceVersion: "abc")])
        #expect(driver.machine.counters.failures == 0)
        // The list is authoritative: its object is delivered even though it cannot be ordered.
        let actions = driver.send(.listSucceeded(ConfigMapListResult(resourceVersion: "abd", object: configMap("abc"))))
        #expect(actions == [.deliver(.applied(configMap("abc"))), .watch(resourceVersion: "abd", timeoutSeconds: 300)])
    }

    @Test func aRelistDeliversOnlyWhatChanged() {
        var driver = MachineDriver()
        driver.startWatching()  // delivered 90 at list 100
        _ = driver.send(.watchFailed(httpError(410)))
        #expect(driver.send(.timerFired, after: .seconds(1)) == [.list(resourceVersion: "100")])
        // Same object version: nothing to deliver, watch from the new list version.
        #expect(driver.send(.listSucceeded(.init(resourceVersion: "200", object: configMap("90"))))
            == [.watch(resourceVersion: "200", timeoutSeconds: 300)])
        _ = driver.send(.watchOpened)
        _ = driver.send(.watchEvent(.error(KubeStatus(code: 410))))
        _ = driver.send(.timerFired, after: .seconds(2))
        // Changed while we were away: delivered.
        #expect(driver.send(.listSucceeded(.init(resourceVersion: "300", object: configMap("250"))))
            == [.deliver(.applied(configMap("250"))), .watch(resourceVersion: "300", timeoutSeconds: 300)])
        _ = driver.send(.watchOpened)
        _ = driver.send(.watchEvent(.error(KubeStatus(code: 410))))
        _ = driver.send(.timerFired, after: .seconds(4))
        // Deleted while we were away: absent as of the list version.
        #expect(driver.send(.listSucceeded(.init(resourceVersion: "400", object: nil)))
            == [.deliver(.absent(resourceVersion: "400")), .watch(resourceVersion: "400", timeoutSeconds: 300)])
        _ = driver.send(.watchOpened)
        _ = driver.send(.watchEvent(.error(KubeStatus(code: 410))))
        _ = driver.send(.timerFired, after: .seconds(8))
        // Still absent: no news.
        #expect(driver.send(.listSucceeded(.init(resourceVersion: "500", object: nil)))
            == [.watch(resourceVersion: "500", timeoutSeconds: 300)])
        #expect(driver.machine.counters.relists == 4)
    }

    @Test func aSuccessfulWatchClearsTheActiveFailureButKeepsTheLastOne() {
        var driver = MachineDriver()
        driver.startWatching()
        _ = driver.send(.watchFailed(.connection("reset")))
        #expect(driver.machine.activeFailure?.error == .connection("reset"))
        _ = driver.send(.timerFired, after: .seconds(1))
        _ = driver.send(.watchOpened)
        #expect(driver.machine.activeFailure == nil)
        #expect(driver.machine.lastFailure?.error == .connection("reset"))
    }
}

struct WatcherStateMachineTimingTests {
    /// Fails the open watch `count` times back to back (each retry fails at once) and returns the waits.
    static func consecutiveWaits(_ count: Int, random: UInt64, gap: Duration = .zero) -> [Duration] {
        var driver = MachineDriver(random: random)
        driver.startWatching()
        var waits: [Duration] = []
        for _ in 0..<count {
            guard case .sleep(let wait) = driver.send(.watchFailed(httpError(503)), after: gap).last else { return waits }
            waits.append(wait)
            _ = driver.send(.timerFired, after: wait)
        }
        return waits
    }

    @Test func backoffDoublesFrom800MillisecondsToA30SecondCap() {
        let waits = Self.consecutiveWaits(9, random: FixedRandom.lowest)
        #expect(waits == [
            .milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400),
            .milliseconds(12800), .milliseconds(25600), .seconds(30), .seconds(30), .seconds(30),
        ])
    }

    @Test func eachWaitIsDrawnFromDToTwiceD() {
        let lows = Self.consecutiveWaits(9, random: FixedRandom.lowest)
        let highs = Self.consecutiveWaits(9, random: .max)
        for (low, high) in zip(lows, highs) {
            #expect(high > low)
            #expect(high < low * 2)
            #expect(high > low * 1.99)
        }
        var driver = MachineDriver()
        driver.startWatching()
        var random = SeededRandom(state: 42)
        var backoff = Backoff(policy: .clientGo)
        for _ in 0..<200 {
            let wait = backoff.nextDelay(now: driver.now, using: &random)
            #expect(wait >= .milliseconds(800) && wait < .seconds(60))
        }
    }

    @Test func backoffStartsOverAfterTwoQuietMinutes() {
        // Through the machine: failures 100 s apart keep doubling, 120 s apart start again.
        #expect(Self.consecutiveWaits(4, random: FixedRandom.lowest, gap: .seconds(100)) == [
            .milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400),
        ])
        #expect(Self.consecutiveWaits(3, random: FixedRandom.lowest, gap: .seconds(120)) == [
            .milliseconds(800), .milliseconds(800), .milliseconds(800),
        ])
        // The boundary, measured between the failures themselves.
        var random = FixedRandom(value: FixedRandom.lowest)
        var backoff = Backoff(policy: .clientGo)
        let start = ContinuousClock.now
        #expect(backoff.nextDelay(now: start, using: &random) == .milliseconds(800))
        #expect(backoff.nextDelay(now: start + .milliseconds(119_999), using: &random) == .milliseconds(1600))
        #expect(backoff.nextDelay(now: start + .milliseconds(239_999), using: &random) == .milliseconds(800))
    }

    /// kube-rs `StreamBackoff`: a watch that delivered an event proves the path healthy again, so
    /// the next isolated failure waits the first step, not where an earlier run of faults left off.
    struct ResetRow: CustomTestStringConvertible, Sendable {
        let name: String
        /// What the watch opened after four quick failures receives before it fails.
        let received: [WatchEvent]
        let nextWait: Duration
        var testDescription: String { name }
    }

    static let resetRows: [ResetRow] = [
        ResetRow(name: "a bookmark resets the backoff", received: [.bookmark(resourceVersion: "150")], nextWait: .milliseconds(800)),
        ResetRow(name: "a change resets the backoff", received: [.modified(configMap("160"))], nextWait: .milliseconds(800)),
        ResetRow(name: "an event older than the delivered one still resets it", received: [.added(configMap("80"))], nextWait: .milliseconds(800)),
        ResetRow(name: "a deletion resets the backoff", received: [.deleted(configMap("170"))], nextWait: .milliseconds(800)),
        ResetRow(name: "a watch that opened but sent nothing keeps doubling", received: [], nextWait: .milliseconds(12800)),
    ]

    @Test(arguments: resetRows)
    func anEventOnTheWatchResetsTheBackoff(_ row: ResetRow) {
        var driver = MachineDriver()
        driver.startWatching()
        for expected in [800, 1600, 3200, 6400] {
            #expect(driver.send(.watchFailed(httpError(503))) == [.sleep(.milliseconds(expected))])
            _ = driver.send(.timerFired, after: .milliseconds(expected))
        }
        _ = driver.send(.watchOpened)
        for event in row.received { _ = driver.send(.watchEvent(event)) }
        #expect(driver.send(.watchFailed(httpError(500)), after: .seconds(5)) == [.sleep(row.nextWait)])
    }

    @Test func anErrorEventDoesNotResetTheBackoff() {
        var driver = MachineDriver()
        driver.startWatching()
        #expect(driver.send(.watchFailed(httpError(503))) == [.sleep(.milliseconds(800))])
        _ = driver.send(.timerFired, after: .seconds(1))
        _ = driver.send(.watchOpened)
        #expect(driver.send(.watchEvent(.error(KubeStatus(code: 500, reason: "InternalError")))) == [.sleep(.milliseconds(1600))])
    }

    @Test func retryAfterIsAFloorAndIsCapped() {
        var driver = MachineDriver(configuration: .init(maximumRetryAfter: .seconds(60)))
        driver.startWatching()
        // Shorter than the backoff: the backoff wins.
        #expect(driver.send(.watchFailed(httpError(429, retryAfter: .milliseconds(100)))) == [.sleep(.milliseconds(800))])
        _ = driver.send(.timerFired, after: .seconds(1))
        // Absurdly long: shortened to the cap.
        #expect(driver.send(.watchFailed(httpError(503, retryAfter: .seconds(86400)))) == [.sleep(.seconds(60))])
    }

    @Test func watchTimeoutsAreRandomBetween300And600Seconds() {
        var low = MachineDriver(random: FixedRandom.lowest)
        low.startWatching()
        #expect(low.send(.watchClosed, after: .seconds(400)) == [.watch(resourceVersion: "100", timeoutSeconds: 300)])
        var high = MachineDriver(random: .max)
        _ = high.send(.start)
        #expect(high.send(.listSucceeded(.init(resourceVersion: "7", object: nil)))
            == [.deliver(.absent(resourceVersion: "7")), .watch(resourceVersion: "7", timeoutSeconds: 600)])

        var machine = WatcherStateMachine()
        var random = SeededRandom(state: 7)
        _ = machine.handle(.start, now: .now, using: &random)
        var timeouts = Set<Int>()
        let actions = machine.handle(.listSucceeded(.init(resourceVersion: "7", object: nil)), now: .now, using: &random)
        guard case .watch(_, let first) = actions.last else {
            Issue.record("expected a watch, got \(actions)")
            return
        }
        timeouts.insert(first)
        for _ in 0..<100 {
            _ = machine.handle(.watchOpened, now: .now, using: &random)
            _ = machine.handle(.watchEvent(.bookmark(resourceVersion: "8")), now: .now, using: &random)
            guard case .watch(_, let timeout) = machine.handle(.watchClosed, now: .now, using: &random).last else {
                Issue.record("a normal close must rewatch")
                return
            }
            timeouts.insert(timeout)
        }
        #expect(timeouts.allSatisfy { (300...600).contains($0) })
        #expect(timeouts.count > 50, "timeouts must spread, got \(timeouts.count) distinct values")
    }
}
