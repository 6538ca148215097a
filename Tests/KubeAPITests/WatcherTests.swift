import Foundation
import Hummingbird
import Testing
@testable import KubeAPI

/// Waits of milliseconds instead of seconds, so the end-to-end runs are quick.
let fastWatcher = WatcherStateMachine.Configuration(
    backoff: BackoffPolicy(initial: .milliseconds(10), cap: .milliseconds(40), resetAfter: .seconds(120)),
    minimumWatchDuration: .zero
)

/// The first `count` deliveries of `watcher`, or a failure after `limit`.
func deliveries(of watcher: Watcher, count: Int, limit: Duration = .seconds(20)) async throws -> [WatchDelivery] {
    try await within(limit) {
        var collected: [WatchDelivery] = []
        for await delivery in watcher {
            collected.append(delivery)
            if collected.count == count { break }
        }
        return collected
    }
}

@Suite(.timeLimit(.minutes(1)))
struct WatcherTests {
    static func object(_ version: String) -> ConfigMapObject {
        ConfigMapObject(
            namespace: "kube-system", name: "eni-config", uid: "uid-eni-config", resourceVersion: version,
            data: ["10-terway.conflist": "{}"]
        )
    }

    /// list → watch (an edit split over chunks, a bookmark, clean close) → rewatch from
    /// the bookmark (410) → relist from it → watch (a deletion), held open.
    @Test func listWatchRewatchRelistAgainstAServer() async throws {
        let modified = LocalAPIServer.eventLine("MODIFIED", ConfigMapFixture(resourceVersion: "120"))
        try await LocalAPIServer.run(respond: { _, index in
            switch index {
            case 0: return .json(LocalAPIServer.listJSON("100", [ConfigMapFixture(resourceVersion: "90")]))
            case 1: return .stream([String(modified.prefix(40)), String(modified.dropFirst(40)), LocalAPIServer.bookmarkLine("130")])
            case 2: return .kubeStatus(410, reason: "Gone", message: "too old resource version")
            case 3: return .json(LocalAPIServer.listJSON("200", [ConfigMapFixture(resourceVersion: "150")]))
            case 4: return .stream([LocalAPIServer.eventLine("DELETED", ConfigMapFixture(resourceVersion: "210"))], holdOpen: .seconds(30))
            default: return .stream([], holdOpen: .seconds(30))
            }
        }) { port, server in
            let client = plainClient(port: port)
            let watcher = Watcher(client: client, namespace: "kube-system", name: "eni-config", configuration: fastWatcher)
            let received = try await deliveries(of: watcher, count: 4)
            try await client.shutdown()

            #expect(received == [
                .applied(Self.object("90")), .applied(Self.object("120")), .applied(Self.object("150")),
                .absent(resourceVersion: "210"),
            ])
            let queries = server.requests.map(\.query)
            #expect(queries.count == 5)
            // The first list is a consistent read; the relist names the last version seen.
            #expect(queries[0]["resourceVersion"] == nil && queries[0]["watch"] == nil)
            #expect(queries[1]["watch"] == "1" && queries[1]["resourceVersion"] == "100" && queries[1]["allowWatchBookmarks"] == "true")
            #expect((300...600).contains(Int(queries[1]["timeoutSeconds"] ?? "") ?? 0))
            #expect(queries[2]["watch"] == "1" && queries[2]["resourceVersion"] == "130")
            #expect(queries[3]["watch"] == nil && queries[3]["resourceVersion"] == "130")
            #expect(queries[4]["watch"] == "1" && queries[4]["resourceVersion"] == "200")

            let status = watcher.status
            #expect(status.counters.relists == 1)
            #expect(status.counters.watchRestarts == 2)
            #expect(status.counters.failures == 1)
            #expect(status.lastFailure?.error.statusCode == 410)
            #expect(status.activeFailure == nil)
            #expect(status.resumeResourceVersion == "210")
        }
    }

    @Test func unavailableServerIsRetriedAndReported() async throws {
        try await LocalAPIServer.run(respond: { _, index in
            index < 3
                ? .kubeStatus(503, reason: "ServiceUnavailable", message: "apiserver is starting")
                : .json(LocalAPIServer.listJSON("3", []))
        }) { port, server in
            let client = plainClient(port: port)
            let watcher = Watcher(client: client, namespace: "kube-system", name: "eni-config", configuration: fastWatcher)
            let received = try await deliveries(of: watcher, count: 1)
            try await client.shutdown()
            #expect(received == [.absent(resourceVersion: "3")])
            #expect(server.requests.prefix(4).map { $0.query["resourceVersion"] } == [nil, nil, nil, nil])
            #expect(watcher.status.counters.failures == 3)
            #expect(watcher.status.lastFailure?.error.statusCode == 503)
        }
    }

    @Test func cancellingTheTaskEndsTheSequencePromptly() async throws {
        try await LocalAPIServer.run(respond: { request, _ in
            request.query["watch"] == "1"
                ? .stream([LocalAPIServer.bookmarkLine("8")], holdOpen: .seconds(30))
                : .json(LocalAPIServer.listJSON("7", [ConfigMapFixture(resourceVersion: "7")]))
        }) { port, server in
            let client = plainClient(port: port)
            let watcher = Watcher(client: client, namespace: "kube-system", name: "eni-config", configuration: fastWatcher)
            let (firstDelivered, signal) = AsyncStream<Void>.makeStream()
            let consumer = Task {
                var count = 0
                for await _ in watcher {
                    count += 1
                    signal.yield()
                }
                return count
            }
            var waiter = firstDelivered.makeAsyncIterator()
            _ = await waiter.next()
            // Let the watch open and read its bookmark; the stream then stays silent.
            while watcher.status.resumeResourceVersion != "8" {
                try await Task.sleep(for: .milliseconds(10))
            }
            let cancelledAt = ContinuousClock.now
            consumer.cancel()
            let count = await consumer.value
            #expect(ContinuousClock.now - cancelledAt < .seconds(2))
            #expect(count == 1)
            #expect(server.requests.count == 2)
            try await client.shutdown()
        }
    }

    @Test func cancellingDuringABackoffWaitEndsPromptly() async throws {
        let slow = WatcherStateMachine.Configuration(backoff: BackoffPolicy(initial: .seconds(30), cap: .seconds(30), resetAfter: .seconds(120)))
        try await LocalAPIServer.run(respond: { _, _ in
            .kubeStatus(503, reason: "ServiceUnavailable", message: "down")
        }) { port, _ in
            let client = plainClient(port: port)
            let watcher = Watcher(client: client, namespace: "kube-system", name: "eni-config", configuration: slow)
            let consumer = Task {
                for await _ in watcher {}
            }
            while watcher.status.counters.failures == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            let cancelledAt = ContinuousClock.now
            consumer.cancel()
            await consumer.value
            #expect(ContinuousClock.now - cancelledAt < .seconds(2))
            try await client.shutdown()
        }
    }
}
