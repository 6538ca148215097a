import Foundation
import Hummingbird
import HummingbirdTLS
import NIOCore
import NIOSSL
import Synchronization

/// What the test server saw of a request.
struct SeenRequest: Sendable {
    let method: String
    let path: String
    /// The query string exactly as sent (still percent-encoded).
    let rawQuery: String
    let authorization: String?
    let body: String

    /// The decoded query parameters.
    var query: [String: String] {
        var result: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }
}

/// A scripted HTTP(S) server on a loopback port, for end-to-end tests of the client
/// and the watcher. Each request goes to `respond`; every request is recorded.
final class LocalAPIServer: Sendable {
    typealias Respond = @Sendable (SeenRequest, Int) async throws -> Response

    private let seen = Mutex<[SeenRequest]>([])
    var requests: [SeenRequest] { seen.withLock { $0 } }

    /// Runs `body` with the server listening; `respond` gets each request and its index.
    static func run<T: Sendable>(
        tls: TLSConfiguration? = nil,
        respond: @escaping Respond,
        _ body: @Sendable (_ port: Int, _ server: LocalAPIServer) async throws -> T
    ) async throws -> T {
        let server = LocalAPIServer()
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { request, context in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            let seenRequest = SeenRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                rawQuery: request.uri.query ?? "",
                authorization: request.headers[.authorization],
                body: String(buffer: bytes)
            )
            let index = server.seen.withLock {
                $0.append(seenRequest)
                return $0.count - 1
            }
            return try await respond(seenRequest, index)
        }
        let app = Application(
            responder: responder,
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                throw CancellationError()
            }
            defer { group.cancelAll() }
            return try await body(port, server)
        }
    }

    static func configMapJSON(_ object: ConfigMapFixture) -> String {
        let data = object.data.map { #""\#($0.key)":"\#($0.value)""# }.sorted().joined(separator: ",")
        return #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"\#(object.name)","namespace":"kube-system","uid":"uid-\#(object.name)","resourceVersion":"\#(object.resourceVersion)"},"data":{\#(data)}}"#
    }

    static func listJSON(_ resourceVersion: String, _ objects: [ConfigMapFixture]) -> String {
        #"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"\#(resourceVersion)"},"items":[\#(objects.map(configMapJSON).joined(separator: ","))]}"#
    }

    static func eventLine(_ type: String, _ object: ConfigMapFixture) -> String {
        #"{"type":"\#(type)","object":\#(configMapJSON(object))}"# + "\n"
    }

    static func bookmarkLine(_ resourceVersion: String) -> String {
        #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"\#(resourceVersion)"}}}"# + "\n"
    }
}

struct ConfigMapFixture: Sendable {
    var name = "eni-config"
    var resourceVersion: String
    var data: [String: String] = ["10-terway.conflist": "{}"]
}

/// Canned API-server answers.
extension Response {
    static func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func kubeStatus(_ code: Int, reason: String, message: String, headers: HTTPFields = [:]) -> Response {
        json(
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\#(message)","reason":"\#(reason)","code":\#(code)}"#,
            status: HTTPResponse.Status(code: code), headers: headers
        )
    }

    /// A streamed body: each chunk written separately, `pause` between them; `thenFail`
    /// breaks the connection after the last chunk instead of ending cleanly.
    static func stream(_ chunks: [String], pause: Duration = .milliseconds(5), thenFail: Bool = false, holdOpen: Duration = .zero) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                for chunk in chunks {
                    try await writer.write(ByteBuffer(string: chunk))
                    try await Task.sleep(for: pause)
                }
                try await Task.sleep(for: holdOpen)
                if thenFail { throw CancellationError() }
                try await writer.finish(nil)
            }
        )
    }
}
