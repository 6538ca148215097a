import Synchronization

/// The bearer token for requests. A token from a file is re-read at most every
/// `refreshInterval` (bound service-account tokens expire after about an hour and the
/// kubelet rewrites the file) and at once after a 401. A failed or empty read keeps
/// the token already held: a rewrite in progress must not log the agent out.
public final class TokenSource: Sendable {
    /// Where the token comes from.
    public enum Origin: Sendable, Equatable {
        /// A token written into the kubeconfig.
        case inline
        /// A file re-read periodically (`tokenFile`, the service-account token).
        case file(path: String, refreshInterval: Duration)
    }

    public let origin: Origin
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state: Mutex<State>

    private struct State {
        var token: String
        var readAt: ContinuousClock.Instant
        var lastReadError: String?
    }

    /// A token that never changes.
    public init(token: String) {
        origin = .inline
        now = { ContinuousClock.now }
        state = Mutex(State(token: token, readAt: ContinuousClock.now))
    }

    /// Reads `path` now and fails when it cannot: without a first token the agent has
    /// nothing to keep. `now` is injectable so tests need not wait a minute.
    public init(
        file path: String,
        refreshInterval: Duration = .seconds(60),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) throws(ClusterConnectionError) {
        origin = .file(path: path, refreshInterval: refreshInterval)
        self.now = now
        let token: String
        switch Self.readToken(path) {
        case .success(let value): token = value
        case .failure(let problem):
            throw ClusterConnectionError(file: path, message: "cannot read the bearer token: \(problem.message)")
        }
        state = Mutex(State(token: token, readAt: now()))
    }

    /// The token to send now; re-reads the file first when the last read is older than
    /// the refresh interval.
    public func token() -> String {
        guard case .file(let path, let interval) = origin else {
            return state.withLock { $0.token }
        }
        let now = now()
        return state.withLock { state in
            if now - state.readAt >= interval {
                Self.refresh(&state, from: path, at: now)
            }
            return state.token
        }
    }

    /// Re-reads the token file at once, as after a 401. Returns whether the token changed.
    @discardableResult
    public func reload() -> Bool {
        guard case .file(let path, _) = origin else { return false }
        let now = now()
        return state.withLock { state in
            let before = state.token
            Self.refresh(&state, from: path, at: now)
            return state.token != before
        }
    }

    /// Why the last re-read failed (nil once a read succeeds), for logs and status.
    public var lastReadError: String? {
        state.withLock { $0.lastReadError }
    }

    private static func refresh(_ state: inout State, from path: String, at now: ContinuousClock.Instant) {
        switch readToken(path) {
        case .success(let token):
            state.token = token
            state.readAt = now
            state.lastReadError = nil
        case .failure(let problem):
            // Keep the old token; try again on the next request rather than waiting a full interval.
            state.lastReadError = "\(path): \(problem.message); keeping the previous token"
        }
    }

    private struct ReadProblem: Error {
        let message: String
    }

    private static func readToken(_ path: String) -> Result<String, ReadProblem> {
        let bytes: [UInt8]
        do {
            bytes = try CredentialFile.read(path)
        } catch {
            return .failure(ReadProblem(message: error.reason))
        }
        let token = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !token.isEmpty else {
            return .failure(ReadProblem(message: "the file is empty"))
        }
        return .success(token)
    }
}

extension String {
    /// Leading and trailing spaces, tabs and line breaks removed, as client-go trims tokens.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
