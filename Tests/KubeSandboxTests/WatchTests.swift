import Foundation
import KubeSandbox
import Testing

/// List and watch semantics over raw HTTPS, as the agent's watcher sees them.
@Suite("list and watch", .timeLimit(.minutes(1)))
struct WatchTests {
    static let collection = "/api/v1/namespaces/kube-system/configmaps"
    static let byName = collection + "?fieldSelector=metadata.name%3Deni-config"

    /// Bookmarks fast enough for a test to see several.
    static let quickBookmarks = SandboxConfiguration(bookmarkInterval: .milliseconds(200))

    @Test("a list carries the store's version and honours the name selector")
    func list() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            try harness.sandbox.apply(SandboxConfigMap(namespace: "kube-system", name: "other", data: ["k": "v"]))
            let reply = try await harness.request(.GET, Self.byName)
            #expect(reply.status == 200)
            let metadata = reply.json["metadata"] as? [String: Any]
            #expect(metadata?["resourceVersion"] as? String == "2", "the list's version is the store's, not the item's")
            let items = reply.json["items"] as? [[String: Any]] ?? []
            #expect(items.count == 1)
            #expect((items.first?["metadata"] as? [String: Any])?["resourceVersion"] as? String == "1")
            #expect(reply.json["kind"] as? String == "ConfigMapList")

            let future = try await harness.request(.GET, Self.byName + "&resourceVersion=99")
            #expect(future.status == 504)
            #expect(future.json["reason"] as? String == "Timeout")
        }
    }

    @Test("a watch from the list's version sees each later change with its version")
    func watchFromListVersion() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let watch = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1")
            #expect(watch.status == 200)
            try harness.sandbox.apply(SandboxConfigMap(namespace: "kube-system", name: "other"))
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["added"] = "yes" }
            try harness.sandbox.deleteConfigMap(namespace: "kube-system", name: "eni-config")
            let events = try await watch.events(atLeast: 2)
            #expect(events.map(\.type) == ["MODIFIED", "DELETED"], "the other ConfigMap is not selected")
            #expect(events.map(\.resourceVersion) == ["3", "4"])
            #expect(events.first?.data["added"] == "yes")
            #expect(events.first?.object["kind"] as? String == "ConfigMap")
            watch.cancel()
        }
    }

    @Test("a watch without a version starts with the current state as ADDED")
    func watchWithoutVersion() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let watch = try await harness.watch(Self.collection + "?watch=1")
            let initial = try await watch.events(atLeast: 1)
            #expect(initial.map(\.type) == ["ADDED"])
            #expect(initial.first?.name == "eni-config")
            try harness.sandbox.apply(SandboxConfigMap(namespace: "kube-system", name: "second"))
            let all = try await watch.events(atLeast: 2)
            #expect(all.last?.type == "ADDED")
            #expect(all.last?.name == "second")
            watch.cancel()
        }
    }

    @Test("bookmarks carry only the current version and keep up with other objects' changes")
    func bookmarks() async throws {
        try await SandboxHarness.with(Self.quickBookmarks, seed: Seeds.eniConfig) { harness in
            let watch = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1&allowWatchBookmarks=true")
            // Changes to another object advance the store but are not this watch's events.
            for index in 0..<3 {
                try harness.sandbox.apply(SandboxConfigMap(namespace: "default", name: "noise-\(index)"))
            }
            let events = try await watch.events(atLeast: 2, within: .seconds(3))
            #expect(events.allSatisfy { $0.type == "BOOKMARK" })
            #expect(events.last?.resourceVersion == "4")
            #expect(events.last?.metadata.keys.sorted() == ["resourceVersion"])
            #expect(events.last?.object["kind"] as? String == "ConfigMap")

            let plain = try await harness.watch(Self.byName + "&watch=1&resourceVersion=4")
            try await Task.sleep(for: .milliseconds(600))
            #expect(plain.events.isEmpty, "no bookmarks unless asked for")
            watch.cancel()
            plain.cancel()
        }
    }

    @Test("after compaction an old version gets an in-stream 410 Expired")
    func compaction() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "2" }
            harness.sandbox.compactHistory()
            let watch = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1")
            #expect(watch.status == 200, "the apiserver reports an expired version inside the stream")
            let events = try await watch.events(atLeast: 1)
            #expect(events.first?.type == "ERROR")
            #expect(events.first?.code == 410)
            #expect(events.first?.reason == "Expired")
            #expect(try await watch.finish(), "the stream ends after the ERROR")

            let current = try await harness.watch(Self.byName + "&watch=1&resourceVersion=2")
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "3" }
            #expect(try await current.events(atLeast: 1).first?.type == "MODIFIED", "the current version still resumes")
            current.cancel()
        }
    }

    @Test("a bounded history expires versions older than its window")
    func historyWindow() async throws {
        try await SandboxHarness.with(SandboxConfiguration(historyLimit: 3), seed: Seeds.eniConfig) { harness in
            for value in 0..<4 {
                try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "\(value)" }
            }
            // Versions 2...5 happened; the history keeps 3...5, so resuming from 2 works and from 1 does not.
            let tooOld = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1")
            #expect(try await tooOld.events(atLeast: 1).first?.code == 410)
            let resumable = try await harness.watch(Self.byName + "&watch=1&resourceVersion=2")
            let replayed = try await resumable.events(atLeast: 3)
            #expect(replayed.map(\.resourceVersion) == ["3", "4", "5"])
            resumable.cancel()
        }
    }

    @Test("resuming from a version replays exactly the changes after it")
    func resume() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            for value in 0..<3 {
                try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["v"] = "\(value)" }
            }
            let watch = try await harness.watch(Self.byName + "&watch=1&resourceVersion=2")
            let events = try await watch.events(atLeast: 2)
            #expect(events.map(\.resourceVersion) == ["3", "4"])
            #expect(events.map { $0.data["v"] } == ["1", "2"])
            watch.cancel()
        }
    }

    @Test("timeoutSeconds closes the stream without an ERROR, and the cap bounds it")
    func timeouts() async throws {
        let capped = SandboxConfiguration(watchTimeoutCap: .seconds(1))
        try await SandboxHarness.with(capped, seed: Seeds.eniConfig) { harness in
            let started = ContinuousClock.now
            let short = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1&timeoutSeconds=1")
            #expect(try await short.finish(within: .seconds(4)))
            #expect(ContinuousClock.now - started >= .milliseconds(900))
            #expect(short.events.isEmpty)

            let long = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1&timeoutSeconds=600")
            let unset = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1&timeoutSeconds=0")
            try await Task.sleep(for: .milliseconds(300))
            #expect(!unset.isFinished, "0 means the server's default, not an immediate close")
            #expect(try await long.finish(within: .seconds(4)), "600 s is cut to the 1 s cap")
            #expect(try await unset.finish(within: .seconds(4)))
            #expect(harness.sandbox.openWatchCount == 0)
        }
    }

    @Test("dropAllWatches ends every stream")
    func dropAllWatches() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let first = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1")
            let second = try await harness.watch(Self.collection + "?watch=1&resourceVersion=1")
            #expect(harness.sandbox.openWatchCount == 2)
            harness.sandbox.dropAllWatches()
            #expect(try await first.finish())
            #expect(try await second.finish())
            #expect(first.failure == nil && second.failure == nil, "a dropped watch ends with the terminating chunk")
            #expect(harness.sandbox.openWatchCount == 0)
        }
    }

    @Test("a client hanging up ends its watch on the server")
    func clientDisconnect() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let watch = try await harness.watch(Self.byName + "&watch=1&resourceVersion=1")
            #expect(harness.sandbox.openWatchCount == 1)
            watch.cancel()
            let deadline = ContinuousClock.now + .seconds(5)
            while harness.sandbox.openWatchCount > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(harness.sandbox.openWatchCount == 0)
        }
    }

    @Test("a label-selected watch sees objects enter and leave the selection")
    func labelSelection() async throws {
        try await SandboxHarness.with { harness in
            try harness.sandbox.apply(SandboxConfigMap(namespace: "default", name: "a"))
            let watch = try await harness.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1&labelSelector=tier+in+(web,api)")
            try harness.sandbox.updateConfigMap(namespace: "default", name: "a") { $0.labels["tier"] = "web" }
            try harness.sandbox.updateConfigMap(namespace: "default", name: "a") { $0.labels["tier"] = "api" }
            try harness.sandbox.updateConfigMap(namespace: "default", name: "a") { $0.labels["tier"] = "db" }
            let events = try await watch.events(atLeast: 3)
            #expect(events.map(\.type) == ["ADDED", "MODIFIED", "DELETED"])
            #expect(events.map(\.resourceVersion) == ["2", "3", "4"])
            watch.cancel()
        }
    }

    @Test("sendInitialEvents ends the initial state with an annotated bookmark")
    func initialEvents() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let watch = try await harness.watch(Self.collection + "?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
            let events = try await watch.events(atLeast: 2)
            #expect(events.map(\.type).prefix(2) == ["ADDED", "BOOKMARK"])
            let annotations = events.dropFirst().first?.metadata["annotations"] as? [String: String]
            #expect(annotations == ["k8s.io/initial-events-end": "true"])
            watch.cancel()
        }
    }
}
