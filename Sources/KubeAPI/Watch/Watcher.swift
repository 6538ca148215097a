import Logging
import Synchronization

/// Lists and watches one ConfigMap for as long as it is iterated, yielding its state
/// each time it changes (`.applied` or `.absent`; the first list always yields one).
/// It runs `WatcherStateMachine` against a `KubeClient`: all decisions are the
/// machine's, this type only performs them and logs failures.
///
/// Cancelling the iterating task ends the sequence promptly (a pending request, wait
/// or stream read is abandoned). Iterate it once; `status` reflects that iteration.
public struct Watcher: AsyncSequence, Sendable {
    public typealias Element = WatchDelivery

    /// A snapshot for `/status` and metrics.
    public struct Status: Sendable, Equatable {
        public var counters = WatcherStateMachine.Counters()
        public var lastFailure: WatcherStateMachine.Failure?
        /// Set while requests keep failing (e.g. a 403 from RBAC), cleared by the next success.
        public var activeFailure: WatcherStateMachine.Failure?
        public var resumeResourceVersion = "0"
    }

    public let client: KubeClient
    public let namespace: String
    public let name: String
    public let configuration: WatcherStateMachine.Configuration
    private let logger: Logger
    private let statusBox = StatusBox()

    public init(
        client: KubeClient,
        namespace: String,
        name: String,
        configuration: WatcherStateMachine.Configuration = .init(),
        logger: Logger = Logger(label: "eni-config-agent.watch")
    ) {
        self.client = client
        self.namespace = namespace
        self.name = name
        self.configuration = configuration
        self.logger = logger
    }

    public var status: Status {
        statusBox.state.withLock { $0 }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(watcher: self)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let watcher: Watcher
        var machine: WatcherStateMachine
        var random = SystemRandomNumberGenerator()
        var pending: [WatcherStateMachine.Action] = []
        var stream: WatchEventStream.AsyncIterator?
        var started = false

        init(watcher: Watcher) {
            self.watcher = watcher
            machine = WatcherStateMachine(configuration: watcher.configuration)
        }

        /// The next change of the ConfigMap's state; nil once the task is cancelled.
        public mutating func next() async -> WatchDelivery? {
            if !started {
                started = true
                feed(.start)
            }
            while !Task.isCancelled {
                guard !pending.isEmpty else {
                    // Nothing to do but read: the machine is watching.
                    guard let input = await readStream() else { return nil }
                    feed(input)
                    continue
                }
                let action = pending.removeFirst()
                switch action {
                case .deliver(let delivery):
                    return delivery
                case .reloadCredentials:
                    let changed = watcher.client.reloadCredentials()
                    watcher.logger.info("re-read the bearer token after a 401", metadata: ["changed": "\(changed)"])
                case .list(let version):
                    stream = nil
                    guard let input = await list(version) else { return nil }
                    feed(input)
                case .watch(let version, let timeout):
                    stream = nil
                    guard let input = await openWatch(version, timeout) else { return nil }
                    feed(input)
                case .sleep(let delay):
                    stream = nil
                    do {
                        try await Task.sleep(for: delay)
                    } catch {
                        return nil
                    }
                    feed(.timerFired)
                }
            }
            return nil
        }

        private mutating func feed(_ input: WatcherStateMachine.Input) {
            let actions = machine.handle(input, now: .now, using: &random)
            pending.append(contentsOf: actions)
            // The machine only waits after a failure, which it has just recorded.
            if let failure = machine.lastFailure, case .sleep(let delay) = actions.last {
                watcher.logger.warning(
                    "\(failure.operation.rawValue) failed: \(failure.error); retrying in \(delay.secondsText)",
                    metadata: ["resourceVersion": "\(machine.resumeResourceVersion)"]
                )
            }
            let machine = machine
            watcher.statusBox.state.withLock {
                $0 = Status(
                    counters: machine.counters,
                    lastFailure: machine.lastFailure,
                    activeFailure: machine.activeFailure,
                    resumeResourceVersion: machine.resumeResourceVersion
                )
            }
        }

        /// The input for a list; nil when cancelled.
        private func list(_ version: String?) async -> WatcherStateMachine.Input? {
            do {
                let result = try await watcher.client.listConfigMap(
                    namespace: watcher.namespace, name: watcher.name, resourceVersion: version
                )
                return .listSucceeded(result)
            } catch let error as KubeAPIError where !Task.isCancelled {
                return .listFailed(error)
            } catch {
                return nil
            }
        }

        private mutating func openWatch(_ version: String, _ timeout: Int) async -> WatcherStateMachine.Input? {
            do {
                let events = try await watcher.client.watchConfigMap(
                    namespace: watcher.namespace, name: watcher.name, resourceVersion: version, timeoutSeconds: timeout
                )
                stream = events.makeAsyncIterator()
                return .watchOpened
            } catch let error as KubeAPIError where !Task.isCancelled {
                return .watchFailed(error)
            } catch {
                return nil
            }
        }

        private mutating func readStream() async -> WatcherStateMachine.Input? {
            guard var events = stream else {
                preconditionFailure("WatcherStateMachine returned no action while not watching")
            }
            defer { stream = events }
            do {
                let event = try await events.next()
                // A cancelled read may look like the end of the stream: not the server's doing.
                guard !Task.isCancelled else { return nil }
                return event.map { .watchEvent($0) } ?? .watchClosed
            } catch let error as KubeAPIError where !Task.isCancelled {
                return .watchFailed(error)
            } catch {
                return nil
            }
        }
    }
}

/// The shared status of a `Watcher` (copies of the struct see the same one).
private final class StatusBox: Sendable {
    let state = Mutex(Watcher.Status())
}
