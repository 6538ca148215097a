import Synchronization

/// A credential kept in a file that its owner rewrites (the kubelet rotates the service
/// account's token and CA): read at once, read again when the last read is older than
/// `refreshInterval` and whenever `reload()` is called. A failed read, or content that does not
/// decode, keeps the value already held: a rewrite in progress must not log the agent out or
/// make it distrust the API server.
final class RefreshingFile<Value: Sendable & Equatable>: Sendable {
    let path: String
    let refreshInterval: Duration
    /// Names the value in messages: "token", "CA certificates".
    private let what: String
    private let decode: @Sendable ([UInt8]) -> Result<Value, ReadProblem>
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>

    struct ReadProblem: Error {
        let message: String
    }

    private struct State {
        var value: Value
        var readAt: ContinuousClock.Instant
        var lastReadError: String?
    }

    /// Reads `path` now and fails when it cannot: without a first value there is nothing to keep.
    init(
        path: String, refreshInterval: Duration, what: String,
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        decode: @escaping @Sendable ([UInt8]) -> Result<Value, ReadProblem>
    ) throws(ReadProblem) {
        self.path = path
        self.refreshInterval = refreshInterval
        self.what = what
        self.decode = decode
        self.now = now
        let value = try Self.read(path, decode).get()
        state = Mutex(State(value: value, readAt: now()))
    }

    /// The value to use now; re-reads the file first when the last read is older than the interval.
    var value: Value {
        let now = now()
        return state.withLock { state in
            if now - state.readAt >= refreshInterval {
                refresh(&state, at: now)
            }
            return state.value
        }
    }

    /// Re-reads the file at once. Returns whether the value changed.
    @discardableResult
    func reload() -> Bool {
        let now = now()
        return state.withLock { state in
            let before = state.value
            refresh(&state, at: now)
            return state.value != before
        }
    }

    /// Why the last re-read failed (nil once a read succeeds), for logs and status.
    var lastReadError: String? {
        state.withLock { $0.lastReadError }
    }

    private func refresh(_ state: inout State, at now: ContinuousClock.Instant) {
        switch Self.read(path, decode) {
        case .success(let value):
            state.value = value
            state.readAt = now
            state.lastReadError = nil
        case .failure(let problem):
            // Keep the old value; try again on the next use rather than waiting a full interval.
            state.lastReadError = "\(path): \(problem.message); keeping the previous \(what)"
        }
    }

    private static func read(_ path: String, _ decode: ([UInt8]) -> Result<Value, ReadProblem>) -> Result<Value, ReadProblem> {
        do {
            return decode(try CredentialFile.read(path))
        } catch {
            return .failure(ReadProblem(message: error.reason))
        }
    }
}
