/// How the connection to the API server is doing, for /status and metrics.
public struct WatchHealth: Sendable, Hashable, Codable {
    /// The last list or watch succeeded (false before the first list, and while requests fail).
    public var connected = false
    /// The failure not yet followed by a success (HTTP status and reason, or a connection error).
    public var lastError: String?
    public var watchRestarts = 0
    public var relists = 0
    /// The newest resource version the watch has seen (its list, an event or a bookmark): where
    /// it resumes, and how far behind the API server this node's view is.
    public var resourceVersion = "0"

    public init() {}
}
