import Foundation
import KubeSandbox
import Testing

/// The faults that leave a watch's connection broken or dead rather than closed, as a client
/// with its own HTTP stack sees them.
@Suite("watch connection faults", .timeLimit(.minutes(1)))
struct WatchFaultTests {
    static let byName = WatchTests.byName

    @Test("resetAllWatches breaks every open stream off without its end")
    func reset() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let watch = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1")
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "2" }
            try await watch.events(atLeast: 1)
            harness.sandbox.resetAllWatches()
            #expect(try await watch.finish())
            let failure = try #require(watch.failure, "a reset stream fails; a clean end would leave no failure")
            #expect(!failure.contains("Cancellation"), "the server broke it off, the test did not hang up: \(failure)")
            #expect(watch.events.map(\.type) == ["MODIFIED"], "no ERROR event, no end: the connection just goes")
            #expect(harness.sandbox.openWatchCount == 0)

            let next = try await harness.watch(Self.byName + "&watch=1&resourceVersion=2")
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "3" }
            #expect(try await next.events(atLeast: 1).first?.resourceVersion == "3", "later watches are served as usual")
            next.cancel()
        }
    }

    @Test("silenceOpenWatches starves open watches of events, bookmarks and their end; new watches are served")
    func silence() async throws {
        try await SandboxHarness.with(WatchTests.quickBookmarks, seed: Seeds.eniConfig) { harness in
            // Asks to be closed after 2 s: a silenced watch must not even get that clean end.
            let opened = ContinuousClock.now
            let silenced = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=2")
            try await silenced.events(atLeast: 1, within: .seconds(3))
            harness.sandbox.silenceOpenWatches()
            // A bookmark already on its way may still land; nothing sent after this point may.
            try await Task.sleep(for: .milliseconds(100))
            let receivedBefore = silenced.count

            let fresh = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1&allowWatchBookmarks=true")
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "2" }
            let events = try await fresh.events(atLeast: 1)
            #expect(events.first?.type == "MODIFIED")
            #expect(events.first?.data["v"] == "2")

            // At least six bookmark intervals, and past the silenced watch's own timeout.
            try await Task.sleep(until: max(.now + .milliseconds(1200), opened + .milliseconds(2500)), clock: .continuous)
            #expect(silenced.count == receivedBefore, "got \(silenced.events.dropFirst(receivedBefore).map(\.line))")
            #expect(!silenced.isFinished)
            #expect(fresh.events.contains { $0.type == "BOOKMARK" }, "the fresh watch still gets bookmarks")
            #expect(harness.sandbox.openWatchCount == 2)

            harness.sandbox.dropAllWatches()
            #expect(try await silenced.finish(), "a silenced watch can still be ended")
            #expect(harness.sandbox.openWatchCount == 0)
        }
    }
}

/// The apiserver's watch cache lagging behind etcd, as a client of lists sees it.
@Suite("a lagging watch cache", .timeLimit(.minutes(1)))
struct LaggingWatchCacheTests {
    static let byName = WatchTests.byName

    private func dataV(_ reply: SandboxHarness.Reply) -> String? {
        let items = reply.json["items"] as? [[String: Any]]
        return (items?.first?["data"] as? [String: String])?["v"]
    }

    @Test("a paused cache answers resourceVersion=0 with the old state; a consistent list and a watch see the write")
    func pausedCache() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "1" }
            harness.sandbox.pauseWatchCache()
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "2" }

            let cached = try await harness.request(.GET, Self.byName + "&resourceVersion=0")
            #expect(dataV(cached) == "1")
            let cachedVersion = try #require((cached.json["metadata"] as? [String: Any])?["resourceVersion"] as? String)
            let consistent = try await harness.request(.GET, Self.byName)
            #expect(dataV(consistent) == "2")
            #expect((consistent.json["metadata"] as? [String: Any])?["resourceVersion"] as? String != cachedVersion)
            // A list at a version the cache has reached is answered from it too.
            #expect(dataV(try await harness.request(.GET, Self.byName + "&resourceVersion=\(cachedVersion)")) == "1")

            let watch = try await harness.watch(Self.byName + "&watch=1&resourceVersion=\(cachedVersion)")
            let events = try await watch.events(atLeast: 1)
            #expect(events.first?.type == "MODIFIED")
            #expect(events.first?.data["v"] == "2")
            watch.cancel()

            harness.sandbox.resumeWatchCache()
            #expect(dataV(try await harness.request(.GET, Self.byName + "&resourceVersion=0")) == "2")
        }
    }
}
