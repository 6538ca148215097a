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
    private let source: Source

    private enum Source: Sendable {
        case inline(String)
        case file(RefreshingFile<String>)
    }

    /// A token that never changes.
    public init(token: String) {
        origin = .inline
        source = .inline(token)
    }

    /// Reads `path` now and fails when it cannot: without a first token the agent has
    /// nothing to keep. `now` is injectable so tests need not wait a minute.
    public init(
        file path: String,
        refreshInterval: Duration = .seconds(60),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) throws(ClusterConnectionError) {
        origin = .file(path: path, refreshInterval: refreshInterval)
        do {
            source = .file(try RefreshingFile(path: path, refreshInterval: refreshInterval, what: "token", now: now) { bytes in
                let token = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
                return token.isEmpty ? .failure(.init(message: "the file is empty")) : .success(token)
            })
        } catch {
            throw ClusterConnectionError(file: path, message: "cannot read the bearer token: \(error.message)")
        }
    }

    /// The token to send now; re-reads the file first when the last read is older than
    /// the refresh interval.
    public func token() -> String {
        switch source {
        case .inline(let token): token
        case .file(let file): file.value
        }
    }

    /// Re-reads the token file at once, as after a 401. Returns whether the token changed.
    @discardableResult
    public func reload() -> Bool {
        guard case .file(let file) = source else { return false }
        return file.reload()
    }

    /// Why the last re-read failed (nil once a read succeeds), for logs and status.
    public var lastReadError: String? {
        guard case .file(let file) = source else { return nil }
        return file.lastReadError
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
