import Foundation
import Hummingbird
import NIOSSL
import Testing
@testable import KubeAPI

func plainClient(port: Int, token: String? = nil, idleReadTimeout: Duration = .seconds(30)) -> KubeClient {
    let connection = ClusterConnection(
        server: "http://127.0.0.1:\(port)/", tlsConfiguration: nil,
        tokenSource: token.map { TokenSource(token: $0) }, namespace: nil, origin: "test"
    )
    return KubeClient(connection: connection, configuration: .init(requestTimeout: .seconds(5), idleReadTimeout: idleReadTimeout))
}

/// Runs `operation` and fails if it takes longer than `limit`.
func within<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw KubeAPIError.connection("the test took longer than \(limit)")
        }
        return value
    }
}

@Suite(.timeLimit(.minutes(1)))
struct KubeClientTests {
    @Test func listAsksForOneConfigMapByNameAtAVersion() async throws {
        try await LocalAPIServer.run(respond: { _, _ in
            .json(LocalAPIServer.listJSON("812", [ConfigMapFixture(resourceVersion: "800")]))
        }) { port, server in
            let client = plainClient(port: port, token: "must-not-be-sent")
            let result = try await client.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            let consistent = try await client.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: nil)
            try await client.shutdown()

            #expect(result.resourceVersion == "812")
            #expect(result.object?.resourceVersion == "800")
            #expect(result.object?.uid == "uid-eni-config")
            #expect(result.object?.data == ["10-terway.conflist": "{}"])
            #expect(consistent == result)
            let requests = server.requests
            #expect(requests.map(\.path) == Array(repeating: "/api/v1/namespaces/kube-system/configmaps", count: 2))
            #expect(requests[0].rawQuery == "fieldSelector=metadata.name%3Deni-config&resourceVersion=0")
            #expect(requests[1].rawQuery == "fieldSelector=metadata.name%3Deni-config")
            // Plain http: the token stays home.
            #expect(requests.allSatisfy { $0.authorization == nil })
        }
    }

    @Test func aListWithoutTheObjectReturnsNone() async throws {
        try await LocalAPIServer.run(respond: { _, _ in .json(LocalAPIServer.listJSON("5", [])) }) { port, _ in
            let client = plainClient(port: port)
            let result = try await client.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            try await client.shutdown()
            #expect(result == ConfigMapListResult(resourceVersion: "5", object: nil))
        }
    }

    @Test func errorsCarryStatusReasonMessageAndRetryAfter() async throws {
        try await LocalAPIServer.run(respond: { _, index in
            switch index {
            case 0:
                return .kubeStatus(
                    403, reason: "Forbidden",
                    message: "configmaps \\\"eni-config\\\" is forbidden: User \\\"system:serviceaccount:kube-system:terway\\\" cannot list"
                )
            case 1:
                return .kubeStatus(429, reason: "TooManyRequests", message: "too many requests", headers: [.retryAfter: "3"])
            default:
                return Response(status: .badGateway, body: ResponseBody(byteBuffer: ByteBuffer(string: "<html>bad gateway</html>")))
            }
        }) { port, _ in
            let client = plainClient(port: port)
            var errors: [KubeAPIError] = []
            for _ in 0..<3 {
                do {
                    _ = try await client.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
                } catch let error as KubeAPIError {
                    errors.append(error)
                }
            }
            try await client.shutdown()

            guard errors.count == 3, case .status(let forbidden) = errors[0], case .status(let throttled) = errors[1],
                  case .status(let proxy) = errors[2]
            else {
                Issue.record("expected three status errors, got \(errors)")
                return
            }
            #expect(forbidden.code == 403)
            #expect(forbidden.status?.reason == "Forbidden")
            #expect(forbidden.status?.message?.hasPrefix("configmaps \"eni-config\" is forbidden") == true)
            #expect(forbidden.description.contains("GET /api/v1/namespaces/kube-system/configmaps: HTTP 403 Forbidden"))
            #expect(forbidden.description.contains("check the agent's RBAC"))
            #expect(throttled.code == 429)
            #expect(throttled.retryAfter == .seconds(3))
            #expect(proxy.code == 502)
            #expect(proxy.status?.message == "<html>bad gateway</html>")
        }
    }

    @Test func aWatchStreamsEventsAcrossChunksUntilTheServerCloses() async throws {
        let modified = LocalAPIServer.eventLine("MODIFIED", ConfigMapFixture(resourceVersion: "120"))
        let chunks = [
            String(modified.prefix(17)), String(modified.dropFirst(17)) + LocalAPIServer.bookmarkLine("130").prefix(9),
            String(LocalAPIServer.bookmarkLine("130").dropFirst(9)),
            #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}"# + "\n",
        ]
        try await LocalAPIServer.run(respond: { _, _ in .stream(chunks) }) { port, server in
            let client = plainClient(port: port)
            let stream = try await client.watchConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "100", timeoutSeconds: 417)
            var events: [WatchEvent] = []
            for try await event in stream {
                events.append(event)
            }
            try await client.shutdown()

            #expect(events == [
                .modified(ConfigMapObject(namespace: "kube-system", name: "eni-config", uid: "uid-eni-config", resourceVersion: "120", data: ["10-terway.conflist": "{}"])),
                .bookmark(resourceVersion: "130"),
                .error(KubeStatus(code: 410, reason: "Expired", message: "too old")),
            ])
            let request = try #require(server.requests.first)
            #expect(request.rawQuery == "fieldSelector=metadata.name%3Deni-config&watch=1&resourceVersion=100&allowWatchBookmarks=true&timeoutSeconds=417")
            #expect(!request.rawQuery.contains("pretty"))
        }
    }

    @Test func aBrokenStreamIsAConnectionError() async throws {
        let half = String(LocalAPIServer.eventLine("ADDED", ConfigMapFixture(resourceVersion: "7")).prefix(30))
        try await LocalAPIServer.run(respond: { _, _ in .stream([half], thenFail: true) }) { port, _ in
            let client = plainClient(port: port)
            let stream = try await client.watchConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "1", timeoutSeconds: 300)
            await #expect {
                for try await _ in stream {}
            } throws: { error in
                guard case .connection = error as? KubeAPIError else { return false }
                return true
            }
            try await client.shutdown()
        }
    }

    @Test func silenceLongerThanTheIdleReadTimeoutIsDetected() async throws {
        try await LocalAPIServer.run(respond: { _, _ in
            .stream([LocalAPIServer.bookmarkLine("5")], holdOpen: .seconds(10))
        }) { port, _ in
            let client = plainClient(port: port, idleReadTimeout: .milliseconds(300))
            let stream = try await client.watchConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "1", timeoutSeconds: 300)
            var iterator = stream.makeAsyncIterator()
            #expect(try await iterator.next() == .bookmark(resourceVersion: "5"))
            let started = ContinuousClock.now
            await #expect(throws: KubeAPIError.idleTimeout(.milliseconds(300))) {
                _ = try await iterator.next()
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            try await client.shutdown()
        }
    }

    /// AsyncHTTPClient has one read timeout for every request: it also bounds how long a list
    /// waits for its answer, which is why a shortened idle timeout must stay above the
    /// server's answer time.
    @Test func theIdleReadTimeoutAlsoBoundsTheWaitForAListsAnswer() async throws {
        try await LocalAPIServer.run(respond: { _, index in
            try await Task.sleep(for: index == 0 ? .milliseconds(100) : .milliseconds(1500))
            return .json(LocalAPIServer.listJSON("5", []))
        }) { port, _ in
            let client = plainClient(port: port, idleReadTimeout: .milliseconds(600))
            let prompt = try await client.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            #expect(prompt.resourceVersion == "5")
            await #expect(throws: KubeAPIError.idleTimeout(.milliseconds(600))) {
                _ = try await client.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
            }
            try await client.shutdown()
        }
    }

    @Test func aRefusedConnectionIsAConnectionError() async throws {
        // Bind a port, then close it, so nothing listens there.
        let port = try await LocalAPIServer.run(respond: { _, _ in .json("{}") }) { port, _ in port }
        let client = plainClient(port: port)
        await #expect {
            _ = try await client.listConfigMap(namespace: "kube-system", name: "eni-config", resourceVersion: "0")
        } throws: { error in
            guard case .connection(let detail) = error as? KubeAPIError else { return false }
            return detail.hasPrefix("GET /api/v1/namespaces/kube-system/configmaps: ")
        }
        try await client.shutdown()
    }
}

@Suite(.timeLimit(.minutes(1)))
struct EventRecorderTests {
    let report = EventReport(
        type: .normal, reason: "Applied", action: "Apply", note: "wrote 10-terway.conflist for resourceVersion 4711",
        regarding: .configMap(configMap("4711"))
    )

    @Test func postsAnEventsV1EventAndSuppressesRepeats() async throws {
        try await LocalAPIServer.run(respond: { request, _ in .json(request.body, status: .created) }) { port, server in
            let client = plainClient(port: port)
            let recorder = EventRecorder(client: client, nodeName: "node-a")
            let first = await recorder.record(report)
            let second = await recorder.record(report)
            try await client.shutdown()

            guard case .posted(let name) = first else {
                Issue.record("expected a post, got \(first)")
                return
            }
            #expect(name.hasPrefix("eni-config."))
            #expect(second == .suppressedDuplicate)
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.path == "/apis/events.k8s.io/v1/namespaces/kube-system/events")
            let body = try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any]
            #expect(body?["reason"] as? String == "Applied")
            #expect(body?["reportingInstance"] as? String == "node-a")
            #expect((body?["metadata"] as? [String: String])?["name"] == name)
        }
    }

    @Test func aFailedPostIsReportedNotThrownAndMayBeRetried() async throws {
        try await LocalAPIServer.run(respond: { request, index in
            index == 0
                ? .kubeStatus(500, reason: "InternalError", message: "etcd is down")
                : .json(request.body, status: .created)
        }) { port, server in
            let client = plainClient(port: port)
            let recorder = EventRecorder(client: client, nodeName: "node-a")
            let failed = await recorder.record(report)
            let retried = await recorder.record(report)
            try await client.shutdown()

            #expect(failed == .failed(.status(HTTPFailure(
                request: "POST /apis/events.k8s.io/v1/namespaces/kube-system/events", code: 500,
                status: KubeStatus(code: 500, reason: "InternalError", message: "etcd is down")
            ))))
            guard case .posted = retried else {
                Issue.record("the same Event must be postable after a failure, got \(retried)")
                return
            }
            #expect(server.requests.count == 2)
        }
    }

    @Test func theLocalRateLimitStopsAStorm() async throws {
        try await LocalAPIServer.run(respond: { request, _ in .json(request.body, status: .created) }) { port, server in
            let client = plainClient(port: port)
            let recorder = EventRecorder(client: client, nodeName: "node-a", limits: .init(burst: 2, refillInterval: .seconds(3600)))
            var outcomes: [EventRecorder.Outcome] = []
            for version in 0..<5 {
                var report = report
                report.note = "version \(version)"
                outcomes.append(await recorder.record(report))
            }
            try await client.shutdown()
            #expect(outcomes.filter { $0 == .suppressedRateLimit }.count == 3)
            #expect(server.requests.count == 2)
        }
    }
}
