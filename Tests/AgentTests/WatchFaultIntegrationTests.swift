import Agent
import Foundation
import KubeSandbox
import Testing

/// Each row of docs/kubernetes-watch.md's error table, driven through the sandbox while `run` watches.
@Suite(.serialized) struct WatchFaultIntegrationTests {
    private func lists(_ sandbox: Sandbox) -> Int {
        sandbox.requestLog.filter { $0.method == "GET" && !$0.isWatch && $0.path.hasSuffix("/configmaps") }.count
    }

    private func watches(_ sandbox: Sandbox) -> [RecordedRequest] {
        sandbox.requestLog.filter { $0.isWatch }
    }

    /// Starts a live agent and waits for the first file and an open watch.
    private func startWatching(idleReadTimeout: Duration? = nil) async throws -> AgentHarness {
        let harness = try await AgentHarness.start(mode: .live, idleReadTimeout: idleReadTimeout)
        try await harness.eventually("the first file and an open watch") {
            harness.nodeFile() != nil && harness.sandbox.openWatchCount == 1
        }
        return harness
    }

    @Test func theFirstListIsAConsistentReadAndTheWatchAsksForBookmarks() async throws {
        let harness = try await startWatching()
        defer { Task { await harness.stop() } }
        let list = try #require(harness.sandbox.requestLog.first { $0.path.hasSuffix("/configmaps") && !$0.isWatch })
        #expect(list.query["resourceVersion"] == nil)
        #expect(list.query["fieldSelector"] == "metadata.name=eni-config")
        let watch = try #require(watches(harness.sandbox).first)
        #expect(watch.query["allowWatchBookmarks"] == "true")
        #expect(watch.query["fieldSelector"] == "metadata.name=eni-config")
        let timeout = try #require(Int(watch.query["timeoutSeconds"] ?? ""))
        #expect((300...600).contains(timeout))
        #expect(watch.query["pretty"] == nil)
    }

    @Test func aClosedWatchIsResumedWithoutARelist() async throws {
        let harness = try await startWatching()
        defer { Task { await harness.stop() } }
        let listsBefore = lists(harness.sandbox)
        // Events the agent posts share the store's version counter, so the watch's own version is the reference.
        let versionBefore = watches(harness.sandbox).last?.query["resourceVersion"]
        harness.sandbox.dropAllWatches()
        try await harness.eventually("a new watch") { watches(harness.sandbox).count == 2 && harness.sandbox.openWatchCount == 1 }
        #expect(lists(harness.sandbox) == listsBefore)
        #expect(watches(harness.sandbox).last?.query["resourceVersion"] == versionBefore)
        try harness.edit(to: "eni-config-tuning.yaml")
        try await harness.eventually("the edit on the node") { harness.nodeFile()?.contains("tuning") == true }
    }

    @Test func aResetConnectionBacksOffAndResumesFromTheSameVersionWithoutARelist() async throws {
        let harness = try await startWatching()
        defer { Task { await harness.stop() } }
        // Past the "very short watch" limit (1 s): a clean close now would be resumed at once,
        // so a wait before the next watch shows that the agent took the reset for a failure.
        try await Task.sleep(for: .milliseconds(1200))
        let listsBefore = lists(harness.sandbox)
        let versionBefore = watches(harness.sandbox).last?.query["resourceVersion"]
        let reset = ContinuousClock.now
        harness.sandbox.resetAllWatches()
        try await harness.eventually("a new watch") { watches(harness.sandbox).count == 2 && harness.sandbox.openWatchCount == 1 }
        #expect(ContinuousClock.now - reset >= .milliseconds(800), "the first backoff waits 0.8–1.6 s")
        #expect(lists(harness.sandbox) == listsBefore)
        #expect(watches(harness.sandbox).last?.query["resourceVersion"] == versionBefore)
        try harness.edit(to: "eni-config-tuning.yaml")
        try await harness.eventually("the edit on the node") { harness.nodeFile()?.contains("tuning") == true }
    }

    @Test func aSilentConnectionIsTakenForDeadAndResumedFromTheLastVersion() async throws {
        let harness = try await startWatching(idleReadTimeout: .seconds(1))
        defer { Task { await harness.stop() } }
        // Bookmarks keep a healthy watch alive well past the idle timeout; the quiet also
        // lets them bring the agent up to the store's current version.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(watches(harness.sandbox).count == 1)
        let listsBefore = lists(harness.sandbox)
        let versionAtSilence = harness.sandbox.resourceVersion
        harness.sandbox.silenceOpenWatches()
        try harness.edit(to: "eni-config-tuning.yaml")
        // 1 s of silence, a 0.8–1.6 s backoff, the rewatch.
        try await harness.eventually("the edit on the node through a new watch", timeout: .seconds(5)) {
            harness.nodeFile()?.contains("tuning") == true
        }
        #expect(watches(harness.sandbox).count == 2)
        #expect(watches(harness.sandbox).last?.query["resourceVersion"] == versionAtSilence)
        #expect(lists(harness.sandbox) == listsBefore)
        try await harness.eventually("the silent watch dropped by the agent") { harness.sandbox.openWatchCount == 1 }
    }

    /// The control for the test above: with the default idle timeout the agent keeps waiting
    /// on the silent watch, so the edit does not arrive through it.
    @Test func aSilentConnectionWithinTheDefaultIdleTimeoutHoldsTheEditBack() async throws {
        let harness = try await startWatching()
        defer { Task { await harness.stop() } }
        let before = harness.nodeFile()
        harness.sandbox.silenceOpenWatches()
        try harness.edit(to: "eni-config-tuning.yaml")
        try await Task.sleep(for: .seconds(3))
        #expect(harness.nodeFile() == before)
        #expect(watches(harness.sandbox).count == 1)
    }

    @Test func anExpiredVersionInTheStreamRelists() async throws {
        let harness = try await startWatching()
        defer { Task { await harness.stop() } }
        let listsBefore = lists(harness.sandbox)
        // Keep the agent away for one backoff while the ConfigMap changes and the history is
        // compacted, so it resumes from a version the server no longer has.
        harness.sandbox.failNextRequests(1, status: 503, matching: .watches)
        harness.sandbox.dropAllWatches()
        try harness.edit(to: "eni-config-tuning.yaml")
        harness.sandbox.compactHistory()
        try await harness.eventually("the edit on the node after a relist") { harness.nodeFile()?.contains("tuning") == true }
        #expect(lists(harness.sandbox) > listsBefore)
        #expect(await harness.status().watch.relists >= 1)
    }

    @Test func http410OnTheWatchRequestRelists() async throws {
        let harness = try await startWatching()
        defer { Task { await harness.stop() } }
        let listsBefore = lists(harness.sandbox)
        harness.sandbox.failNextRequests(1, status: 410, matching: .watches)
        harness.sandbox.dropAllWatches()
        try await harness.eventually("a relist") { lists(harness.sandbox) > listsBefore }
        try harness.edit(to: "eni-config-tuning.yaml")
        try await harness.eventually("the edit on the node") { harness.nodeFile()?.contains("tuning") == true }
    }

    @Test(arguments: [429, 500, 503, 504])
    func retryableStatusesBackOffAndRewatchFromTheSameVersion(status: Int) async throws {
        let harness = try await startWatching()
        defer { Task { await harness.stop() } }
        let listsBefore = lists(harness.sandbox)
        let version = watches(harness.sandbox).last?.query["resourceVersion"]
        // Retry-After: 3 on both 429s means at least 6 s before the watch is answered again;
        // the backoff alone (0.8–1.6 s, then 1.6–3.2 s) would be done within 4.8 s.
        harness.sandbox.failNextRequests(2, status: status, retryAfter: status == 429 ? 3 : nil, matching: .watches)
        let dropped = ContinuousClock.now
        harness.sandbox.dropAllWatches()
        try await harness.eventually("a watch that is answered again") {
            watches(harness.sandbox).filter { $0.status == 200 }.count == 2
        }
        let failed = watches(harness.sandbox).filter { $0.status == status }
        #expect(failed.count == 2)
        #expect(watches(harness.sandbox).last?.query["resourceVersion"] == version)
        #expect(lists(harness.sandbox) == listsBefore)
        let elapsed = ContinuousClock.now - dropped
        if status == 429 {
            #expect(elapsed >= .seconds(6))
        } else {
            #expect(elapsed >= .milliseconds(2400))
        }
    }

    /// RBAC missing (403) or the ConfigMap's namespace not there yet (404): an operator problem, reported and retried.
    @Test(arguments: [403, 404])
    func aFailingListIsReportedAndRetried(status: Int) async throws {
        let harness = try await AgentHarness.start(mode: .onStart) { sandbox in
            sandbox.failNextRequests(3, status: status, matching: .lists)
        }
        defer { Task { await harness.stop() } }
        try await harness.eventually("the \(status) to be reported") { await harness.status().watch.lastError?.contains("\(status)") == true }
        #expect(try await harness.get("/readyz").status == 503)
        try await harness.eventually("the file once the list succeeds", timeout: .seconds(30)) { harness.nodeFile() != nil }
        #expect(await harness.status().watch.lastError == nil)
    }

    @Test func anUnreachableServerAtStartKeepsThePodNotReadyUntilItAnswers() async throws {
        let harness = try await AgentHarness.start(mode: .onStart, startSandbox: false)
        defer { Task { await harness.stop() } }
        try await harness.eventually("a connection failure to be reported") { await harness.status().watch.lastError != nil }
        let readiness = try await harness.get("/readyz")
        #expect(readiness.status == 503)
        #expect(readiness.body.contains("waiting for the API server"))
        #expect(harness.nodeFile() == nil)
        try await harness.sandbox.start()
        try await harness.eventually("the file once the server answers", timeout: .seconds(30)) { harness.nodeFile() != nil }
        try await harness.eventually("readiness") { try await harness.get("/readyz").status == 200 }
    }

    /// The cluster CA rotates: the API server comes back with a certificate from a new CA, and
    /// the kubelet rewrites the pod's `ca.crt`. The agent trusts the new CA without a restart.
    @Test func aRotatedClusterCAIsReReadFromTheServiceAccount() async throws {
        let harness = try await AgentHarness.start(mode: .live, inCluster: true)
        defer { Task { await harness.stop() } }
        try await harness.eventually("the first file") { harness.nodeFile()?.contains("portmap") == true }

        let port = try #require(harness.sandbox.port)
        await harness.sandbox.shutdown()
        // Same address and token: only the CA differs.
        let rotated = try Sandbox(configuration: SandboxConfiguration(port: port, transport: .https(token: try #require(harness.sandbox.token))))
        // The same cluster: its store has moved on past what the agent saw.
        try rotated.seed(manifest: try example("eni-config.yaml"))
        try rotated.seed(manifest: try example("eni-config-tuning.yaml"))
        try await rotated.start()
        defer { Task { await rotated.shutdown() } }
        try #require(rotated.certificateAuthorityPEM != harness.sandbox.certificateAuthorityPEM)
        try #require(rotated.certificateAuthorityPEM).write(
            toFile: harness.serviceAccountDirectory + "/ca.crt", atomically: true, encoding: .utf8)

        try await harness.eventually("the edit through the rotated CA", timeout: .seconds(30)) {
            harness.nodeFile()?.contains("tuning") == true
        }
    }

    @Test func aRotatedTokenIsReReadFromTheTokenFileAfterA401() async throws {
        let harness = try await startWatching()
        defer { Task { await harness.stop() } }
        let newToken = try #require(harness.sandbox.rotateToken())
        try newToken.write(toFile: harness.tokenFile, atomically: true, encoding: .utf8)
        harness.sandbox.dropAllWatches()
        try harness.edit(to: "eni-config-tuning.yaml")
        try await harness.eventually("the edit on the node with the new token") { harness.nodeFile()?.contains("tuning") == true }
        #expect(harness.sandbox.requestLog.contains { $0.status == 401 })
    }
}
