import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// How the sandbox reaches webhooks: HTTPS verified with the webhook's `caBundle` (or the
/// system's roots without one), a deadline of the webhook's timeout, and Services resolved
/// through routes a test registers, since the sandbox has no Services of its own. A Service
/// call goes to `https://<name>.<namespace>.svc:<port>` as on a cluster, so a certificate with
/// DNS names only (what `eni-config-agent webhook` issues) must name the Service, as the API
/// server requires. (Unlike Go, SwiftNIO SSL also accepts an IP address SAN that matches the
/// address dialled, so a certificate for 127.0.0.1 passes here where a cluster refuses it.)
final class WebhookTransport: Sendable {
    /// Why a call failed, in the words the API server puts after `failed to call webhook: `.
    struct Failure: Error {
        var message: String
    }

    private struct Route: Sendable, Hashable {
        var namespace: String
        var name: String
        var port: Int
    }

    private struct State {
        var routes: [Route: (host: String, port: Int)] = [:]
        /// Built for the current routes (AsyncHTTPClient fixes its name overrides at creation).
        var client: HTTPClient?
        /// Clients of earlier routes, shut down with the sandbox.
        var retired: [HTTPClient] = []
    }

    private let state = Mutex(State())

    /// The largest AdmissionReview answer read.
    static let maximumResponseBytes = 4 * 1024 * 1024

    func route(namespace: String, name: String, port: Int, to host: String, targetPort: Int) {
        state.withLock { state in
            state.routes[Route(namespace: namespace, name: name, port: port)] = (host, targetPort)
            if let client = state.client { state.retired.append(client) }
            state.client = nil
        }
    }

    /// POSTs the review; returns the status and body, or throws `Failure`.
    func post(_ webhook: ValidatingWebhook, body: Data) async throws(Failure) -> (status: Int, body: Data) {
        let timeoutQuery = "?timeout=\(webhook.timeout.components.seconds)s"
        let (shown, target, client) = try resolve(webhook.endpoint, query: timeoutQuery)
        var request = HTTPClientRequest(url: target)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caBundle = webhook.caBundle {
            guard let roots = try? NIOSSLCertificate.fromPEMBytes(caBundle), !roots.isEmpty else {
                throw Failure(message: "failed to call webhook: the caBundle holds no PEM certificate")
            }
            tls.trustRoots = .certificates(roots)
        }
        request.tlsConfiguration = tls
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(webhook.timeout.components.seconds) * 1_000_000_000))
            let bytes = try await response.body.collect(upTo: Self.maximumResponseBytes)
            return (Int(response.status.code), Data(bytes.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw Failure(message: "failed to call webhook: Post \"\(shown)\": context deadline exceeded")
        } catch {
            throw Failure(message: "failed to call webhook: Post \"\(shown)\": \(error)")
        }
    }

    /// The URL shown in errors (the Service's own port), the URL dialled, and the client to use.
    private func resolve(_ endpoint: ValidatingWebhook.Endpoint, query: String) throws(Failure) -> (String, String, HTTPClient) {
        try state.withLock { (state) throws(Failure) -> (String, String, HTTPClient) in
            let client = state.client ?? Self.client(routes: state.routes)
            state.client = client
            switch endpoint {
            case .url(let url):
                return (url + query, url + query, client)
            case .service(let namespace, let name, let port, let path):
                let host = "\(name).\(namespace).svc"
                let shown = "https://\(host):\(port)\(path)\(query)"
                guard let target = state.routes[Route(namespace: namespace, name: name, port: port)] else {
                    throw Failure(message: "failed to call webhook: Post \"\(shown)\": service \"\(name)\" not found")
                }
                return (shown, "https://\(host):\(target.port)\(path)\(query)", client)
            }
        }
    }

    private static func client(routes: [Route: (host: String, port: Int)]) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        for (route, target) in routes {
            configuration.dnsOverride["\(route.name).\(route.namespace).svc"] = target.host
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        let clients = state.withLock { state in
            defer { (state.client, state.retired) = (nil, []) }
            return state.retired + (state.client.map { [$0] } ?? [])
        }
        for client in clients { try? await client.shutdown() }
    }
}
