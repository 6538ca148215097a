import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The subresources served on items: a pod's `proxy` (GET forwarded to the pod's IP and port,
/// as the apiserver's pod proxy does) and `log` (its container's output, as the kubelet keeps it).
final class Subresources: Sendable {
    /// Where a running pod's output is read from; set by the sandbox's kubelet while it runs pods.
    typealias LogSource = @Sendable (_ namespace: String, _ pod: String) -> String?

    private let store: ObjectStore
    private let logSource = Mutex<LogSource?>(nil)

    /// A proxied answer is cut at this size: the agent's /status is a few KiB.
    static let maximumProxiedBytes = 4 * 1024 * 1024
    static let proxyTimeout = TimeAmount.seconds(10)

    init(store: ObjectStore) {
        self.store = store
    }

    func setLogSource(_ source: LogSource?) {
        logSource.withLock { $0 = source }
    }

    func serve(_ request: Request, resource: ResourceName, namespace: String, name: String, subresource: String, rest: String) async throws -> Response {
        switch (resource.plural, subresource) {
        case ("pods", "proxy"): return try await proxy(request, namespace: namespace, id: name.removingPercentEncoding ?? name, path: rest)
        case ("pods", "log") where rest.isEmpty: return try log(request, namespace: namespace, name: name)
        default: throw APIError.pathNotFound
        }
    }

    /// `pods/{name}/proxy/{path}`, the id being `name`, `name:port` or `scheme:name:port`; without a
    /// port, the first container port, as `pod.ResourceLocation` picks it.
    private func proxy(_ request: Request, namespace: String, id: String, path: String) async throws -> Response {
        let parts = id.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let (scheme, name, givenPort): (String, String, String?) = switch parts.count {
        case 1: ("http", parts[0], nil)
        case 2: ("http", parts[0], parts[1])
        case 3 where ["http", "https"].contains(parts[0]): (parts[0], parts[1], parts[2])
        default: throw APIError.badRequest("invalid pod proxy id \"\(id)\": expected name, name:port or scheme:name:port")
        }
        guard let pod = store.get(ObjectKey(storage: .pods, namespace: namespace, name: name)) else {
            throw APIError.notFound(PodResource().name, name)
        }
        let port = givenPort ?? pod.containers(under: ["spec"]).lazy
            .compactMap { $0["ports"]?.arrayValue?.first?["containerPort"]?.integerValue }.first.map(String.init)
        guard let ip = pod[path: ["status", "podIP"]]?.stringValue, !ip.isEmpty else {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "pod \(name) has no IP address yet: the proxy has nowhere to send the request")
        }
        let host = port.map { "\(ip):\($0)" } ?? ip
        let query = request.uri.query.map { "?\($0)" } ?? ""
        var upstream = HTTPClientRequest(url: "\(scheme)://\(host)/\(path)\(query)")
        upstream.headers.add(name: "Accept", value: request.headers[.accept] ?? "*/*")
        do {
            let response = try await HTTPClient.shared.execute(upstream, timeout: Self.proxyTimeout)
            let body = try await response.body.collect(upTo: Self.maximumProxiedBytes)
            var headers = HTTPFields()
            if let contentType = response.headers.first(name: "Content-Type") { headers[.contentType] = contentType }
            return Response(status: .init(code: Int(response.status.code)), headers: headers, body: .init(byteBuffer: body))
        } catch {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "error trying to reach service: \(host): \(error)")
        }
    }

    /// `pods/{name}/log` with `tailLines` and `limitBytes`; `follow` is not served.
    private func log(_ request: Request, namespace: String, name: String) throws -> Response {
        guard store.get(ObjectKey(storage: .pods, namespace: namespace, name: name)) != nil else {
            throw APIError.notFound(PodResource().name, name)
        }
        let query = QueryParameters(request.uri.query)
        guard !query.flag("follow") else { throw APIError.badRequest("follow is not served by the sandbox: omit -f") }
        guard let source = logSource.withLock({ $0 }), var text = source(namespace, name) else {
            throw APIError.badRequest("container of pod \"\(name)\" is waiting to start: no log yet")
        }
        if let tail = query["tailLines"].flatMap(Int.init), tail >= 0 {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let kept = lines.last == "" ? lines.dropLast() : lines[...]
            text = kept.suffix(tail).map { $0 + "\n" }.joined()
        }
        if let limit = query["limitBytes"].flatMap(Int.init), limit >= 0, text.utf8.count > limit {
            text = String(decoding: text.utf8.prefix(limit), as: UTF8.self)
        }
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
