import Foundation
import Hummingbird
import HummingbirdTLS
@testable import KubeSandbox
import Synchronization

/// An HTTPS admission webhook for the sandbox to call: it answers each AdmissionReview with
/// what the test's `answer` returns and keeps the reviews it received. Its certificate names
/// 127.0.0.1 and localhost, signed by its own CA (`caBundle`).
final class TestWebhook: Sendable {
    /// The review's `request` (JSON) in; the HTTP status and body (JSON) out.
    typealias Answer = @Sendable (_ request: [String: Any]) async -> (status: Int, body: [String: Any])

    let caBundle: String
    let port: Int
    private let received: Received
    private let task: Task<Void, any Error>

    private final class Received: Sendable {
        let bodies = Mutex<[Data]>([])
    }

    init(answer: @escaping Answer) async throws {
        let authority = try SandboxCertificateAuthority(host: "127.0.0.1")
        caBundle = authority.certificatePEM
        let received = Received()
        self.received = received
        let router = Router()
        router.post("review") { request, _ -> Response in
            let body = Data(buffer: try await request.body.collect(upTo: 16 << 20))
            received.bodies.withLock { $0.append(body) }
            let review = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            let (status, answerBody) = await answer(review["request"] as? [String: Any] ?? [:])
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: answerBody))))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: try authority.serverTLSConfiguration()),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    /// The reviews' `request` objects, oldest first.
    var requests: [[String: Any]] {
        received.bodies.withLock { $0 }.map { body in
            let review = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            return review["request"] as? [String: Any] ?? [:]
        }
    }

    var url: String { "https://127.0.0.1:\(port)/review" }

    /// An answer: `response` for the request's uid with `allowed` and whatever else is given.
    static func response(_ request: [String: Any], allowed: Bool, _ extra: [String: Any] = [:]) -> (status: Int, body: [String: Any]) {
        var response: [String: Any] = ["uid": request["uid"] ?? "", "allowed": allowed]
        response.merge(extra) { $1 }
        return (200, ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response])
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}
