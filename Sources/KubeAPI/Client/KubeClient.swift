#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL

/// Typed requests to the API server over one shared `HTTPClient`: list and watch a
/// ConfigMap by name, post an Event. Every failure is a `KubeAPIError` (task
/// cancellation stays a `CancellationError`).
///
/// The bearer token goes only to https servers, freshly read from its `TokenSource`
/// for each request; `reloadCredentials()` re-reads it after a 401.
public final class KubeClient: Sendable {
    public struct Configuration: Sendable {
        public var connectTimeout: Duration
        /// How long to wait for a response's status line (list, Event, opening a watch).
        public var requestTimeout: Duration
        /// No bytes on a response for this long means the connection is dead. A healthy
        /// watch gets a bookmark about every minute, so a few minutes is safe.
        public var idleReadTimeout: Duration
        public var userAgent: String

        public init(
            connectTimeout: Duration = .seconds(10),
            requestTimeout: Duration = .seconds(30),
            idleReadTimeout: Duration = .seconds(180),
            userAgent: String = "eni-config-agent"
        ) {
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.idleReadTimeout = idleReadTimeout
            self.userAgent = userAgent
        }
    }

    public let connection: ClusterConnection
    public let configuration: Configuration
    private let http: HTTPClient

    /// The largest list or error body read; one ConfigMap is at most 1 MiB.
    static let maximumBodySize = 4 * 1024 * 1024

    public init(connection: ClusterConnection, configuration: Configuration = Configuration()) {
        self.connection = connection
        self.configuration = configuration
        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: connection.tlsConfiguration,
            // A redirect could carry the token to another host; the API server never redirects these requests.
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(configuration.connectTimeout), read: TimeAmount(configuration.idleReadTimeout))
        )
        httpConfiguration.decompression = .disabled
        // The watcher owns retrying (backoff with jitter, counted and reported); a pool
        // that quietly retried refused connections until the connect timeout would hide
        // an unreachable server from it for that long.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
    }

    /// Closes the connections. Call once, when done with the client.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Re-reads the token and CA files at once (after a 401). Returns whether either changed.
    @discardableResult
    public func reloadCredentials() -> Bool {
        connection.reloadCredentials()
    }

    /// Lists the ConfigMap `name` in `namespace` with a name field selector, never paginated.
    /// - Parameter resourceVersion: "0" for the watch cache, a version to be at least as
    ///   fresh as, or nil for a consistent read.
    public func listConfigMap(namespace: String, name: String, resourceVersion: String?) async throws -> ConfigMapListResult {
        var query = [("fieldSelector", "metadata.name=\(name)")]
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        let path = Self.configMapsPath(namespace)
        let response = try await send(.GET, path: path, query: query)
        let body = try await collect(response.body, request: "GET \(path)")
        let list: ConfigMapWire.List
        do {
            list = try JSONDecoder().decode(ConfigMapWire.List.self, from: Data(body.readableBytesView))
        } catch {
            throw KubeAPIError.malformedResponse("GET \(path): the ConfigMapList is not valid JSON: \(WatchEvent.summary(of: error))")
        }
        guard let listVersion = list.metadata?.resourceVersion, !listVersion.isEmpty else {
            throw KubeAPIError.malformedResponse("GET \(path): the ConfigMapList has no metadata.resourceVersion")
        }
        let item = list.items?.first { $0.metadata?.name == name }
        return ConfigMapListResult(
            resourceVersion: listVersion,
            object: try item?.configMap(context: "GET \(path)")
        )
    }

    /// Opens a watch on the ConfigMap `name` from `resourceVersion`, with bookmarks; the
    /// server ends it cleanly after `timeoutSeconds`. Returns once the server answered
    /// 200; the events follow in the returned sequence.
    public func watchConfigMap(
        namespace: String, name: String, resourceVersion: String, timeoutSeconds: Int
    ) async throws -> WatchEventStream {
        let query = [
            ("fieldSelector", "metadata.name=\(name)"),
            ("watch", "1"),
            ("resourceVersion", resourceVersion),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", String(timeoutSeconds)),
        ]
        let response = try await send(.GET, path: Self.configMapsPath(namespace), query: query)
        return WatchEventStream(body: response.body, idleReadTimeout: configuration.idleReadTimeout)
    }

    /// Creates an `events.k8s.io/v1` Event in its own namespace.
    func createEvent(_ event: EventsV1Event) async throws {
        let path = "/apis/events.k8s.io/v1/namespaces/\(Self.escape(event.metadata.namespace))/events"
        let body = try JSONEncoder().encode(event)
        let response = try await send(.POST, path: path, query: [], body: Array(body))
        _ = try await collect(response.body, request: "POST \(path)")
    }

    // MARK: - Requests

    func send(
        _ method: HTTPMethod, path: String, query: [(String, String)], body: [UInt8]? = nil,
        contentType: String = "application/json"
    ) async throws -> HTTPClientResponse {
        let queryText = query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: connection.server + path + (queryText.isEmpty ? "" : "?\(queryText)"))
        request.method = method
        if connection.certificateAuthorityFile != nil {
            // The pool keys connections by this: the same CA reuses them, a rotated one opens new ones.
            request.tlsConfiguration = connection.currentTLSConfiguration()
        }
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if connection.isSecure, let token = connection.tokenSource?.token() {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }

        let description = "\(method.rawValue) \(path)"
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: TimeAmount(configuration.requestTimeout))
        } catch {
            if error is NIOSSLError {
                // A server the CA file does not vouch for: the CA may have just rotated, as a 401
                // may mean a rotated token. Read it again now, not a minute from now.
                connection.certificateAuthorityFile?.reload()
            }
            throw KubeAPIError.translating(error, idleReadTimeout: configuration.idleReadTimeout, request: description)
        }
        guard (200..<300).contains(response.status.code) else {
            throw KubeAPIError.status(await Self.failure(from: response, request: description))
        }
        return response
    }

    private static func failure(from response: HTTPClientResponse, request: String) async -> HTTPFailure {
        let retryAfter = response.headers.first(name: "Retry-After")
            .flatMap { Int($0.trimmingWhitespace()) }
            .map { Duration.seconds($0) }
        var status: KubeStatus?
        if let body = try? await response.body.collect(upTo: 64 * 1024) {
            status = try? JSONDecoder().decode(KubeStatus.self, from: Data(body.readableBytesView))
            if status == nil, body.readableBytes > 0 {
                // A proxy's HTML or text error page: keep its start as the message.
                let text = String(decoding: body.readableBytesView.prefix(200), as: UTF8.self).trimmingWhitespace()
                status = KubeStatus(code: Int(response.status.code), message: text)
            }
        }
        return HTTPFailure(
            request: request,
            code: Int(response.status.code),
            status: status,
            retryAfter: retryAfter ?? status?.retryAfterSeconds.map { .seconds($0) }
        )
    }

    func collect(_ body: HTTPClientResponse.Body, request: String) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: Self.maximumBodySize)
        } catch is NIOTooManyBytesError {
            throw KubeAPIError.malformedResponse("\(request): the response is larger than \(Self.maximumBodySize) bytes")
        } catch {
            throw KubeAPIError.translating(error, idleReadTimeout: configuration.idleReadTimeout, request: request)
        }
    }

    private static func configMapsPath(_ namespace: String) -> String {
        "/api/v1/namespaces/\(escape(namespace))/configmaps"
    }

    /// Percent-encodes all but RFC 3986's unreserved characters (so `=` in a field selector becomes `%3D`).
    static func escape(_ value: String) -> String {
        var escaped = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return escaped
    }
}
