import Synchronization

/// The knobs tests turn while the sandbox serves: the accepted token, added latency, injected
/// failures, and the log of answered requests.
final class SandboxControls: Sendable {
    private struct PendingFailure {
        var remaining: Int
        var error: APIError
        var matcher: RequestMatcher
    }

    private struct State {
        var token: String?
        var latency: Duration = .zero
        var failures: [PendingFailure] = []
        var log: [RecordedRequest] = []
    }

    /// The log keeps the newest entries only, so a long-running sandbox does not grow without end.
    static let logLimit = 10_000

    private let state: Mutex<State>

    init(token: String?) {
        state = Mutex(State(token: token))
    }

    var token: String? {
        get { state.withLock { $0.token } }
        set { state.withLock { $0.token = newValue } }
    }

    var latency: Duration {
        get { state.withLock { $0.latency } }
        set { state.withLock { $0.latency = newValue } }
    }

    /// True when no token is configured or the header carries exactly the current one.
    func isAuthorized(_ authorization: String?) -> Bool {
        state.withLock { state in
            guard let token = state.token else { return true }
            return authorization == "Bearer \(token)"
        }
    }

    func failNext(_ count: Int, error: APIError, matching matcher: RequestMatcher) {
        guard count > 0 else { return }
        state.withLock { $0.failures.append(PendingFailure(remaining: count, error: error, matcher: matcher)) }
    }

    func cancelFailures() {
        state.withLock { $0.failures.removeAll() }
    }

    /// The injected failure this request consumes, if one is pending for it.
    func takeFailure(for line: RequestLine) -> APIError? {
        state.withLock { state in
            guard let index = state.failures.firstIndex(where: { $0.matcher.matches(line) }) else { return nil }
            let error = state.failures[index].error
            state.failures[index].remaining -= 1
            if state.failures[index].remaining == 0 { state.failures.remove(at: index) }
            return error
        }
    }

    func record(_ request: RecordedRequest) {
        state.withLock { state in
            state.log.append(request)
            if state.log.count > Self.logLimit { state.log.removeFirst(state.log.count - Self.logLimit) }
        }
    }

    var requestLog: [RecordedRequest] {
        state.withLock { $0.log }
    }

    func clearRequestLog() {
        state.withLock { $0.log.removeAll() }
    }
}
