import Foundation

/// How a sandbox API server listens and behaves.
public struct SandboxConfiguration: Sendable {
    /// How clients reach the sandbox and prove who they are.
    public enum Transport: Sendable, Equatable {
        /// HTTPS with a CA generated at start, and this bearer token required on every
        /// request but `/version` and the health endpoints.
        case https(token: String)
        /// Plain HTTP without authentication: client-go sends no credentials to an `http://`
        /// server, so a token would be useless here.
        case insecureHTTP
    }

    /// The address to bind; loopback by default.
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    public var transport: Transport
    /// How many changes the watch history keeps per kind (across all objects of that kind, like
    /// the apiserver's watch cache of one resource); a watch from an older version gets 410 Expired.
    public var historyLimit: Int
    /// How often a watch that asked for bookmarks receives one.
    public var bookmarkInterval: Duration
    /// The longest a watch stays open; a larger `timeoutSeconds`, or none, is cut to this.
    public var watchTimeoutCap: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        transport: Transport = .https(token: SandboxConfiguration.randomToken()),
        historyLimit: Int = 1000,
        bookmarkInterval: Duration = .seconds(60),
        watchTimeoutCap: Duration = .seconds(1800)
    ) {
        self.host = host
        self.port = port
        self.transport = transport
        self.historyLimit = historyLimit
        self.bookmarkInterval = bookmarkInterval
        self.watchTimeoutCap = watchTimeoutCap
    }

    /// 32 random bytes as hex: unguessable, and safe to write unquoted into YAML.
    public static func randomToken() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    var token: String? {
        if case .https(let token) = transport { return token }
        return nil
    }
}
