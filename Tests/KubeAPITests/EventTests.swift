import Foundation
import Hummingbird
import TestSupport
import Testing
@testable import KubeAPI

struct EventRateLimiterTests {
    let start = ContinuousClock.now

    @Test func aBurstThenOnePerRefillInterval() {
        var limiter = EventRateLimiter(configuration: .init(burst: 3, refillInterval: .seconds(60), duplicateWindow: .seconds(1)))
        let decisions = (0..<5).map { limiter.admit(reason: "Applied", note: "version \($0)", now: start) }
        #expect(decisions == [.post, .post, .post, .rateLimited, .rateLimited])
        #expect(limiter.admit(reason: "Applied", note: "a", now: start + .seconds(59)) == .rateLimited)
        #expect(limiter.admit(reason: "Applied", note: "b", now: start + .seconds(60)) == .post)
        #expect(limiter.admit(reason: "Applied", note: "c", now: start + .seconds(61)) == .rateLimited)
        // A long quiet spell refills to the burst, not beyond.
        let later = start + .seconds(3600)
        let refilled = (0..<4).map { limiter.admit(reason: "Applied", note: "later \($0)", now: later) }
        #expect(refilled == [.post, .post, .post, .rateLimited])
    }

    @Test func partialIntervalsAccumulate() {
        var limiter = EventRateLimiter(configuration: .init(burst: 1, refillInterval: .seconds(60), duplicateWindow: .seconds(1)))
        #expect(limiter.admit(reason: "R", note: "1", now: start) == .post)
        #expect(limiter.admit(reason: "R", note: "2", now: start + .seconds(40)) == .rateLimited)
        // 40 s + 20 s make a full interval even though no single gap did.
        #expect(limiter.admit(reason: "R", note: "3", now: start + .seconds(60)) == .post)
    }

    @Test func theSameReasonAndNoteAreNotRepostedWithinTheWindow() {
        var limiter = EventRateLimiter(configuration: .init(burst: 100, refillInterval: .seconds(1), duplicateWindow: .seconds(600)))
        #expect(limiter.admit(reason: "InvalidConfig", note: "bad mtu", now: start) == .post)
        #expect(limiter.admit(reason: "InvalidConfig", note: "bad mtu", now: start + .seconds(599)) == .duplicate)
        #expect(limiter.admit(reason: "InvalidConfig", note: "bad ipam", now: start + .seconds(1)) == .post)
        #expect(limiter.admit(reason: "WriteFailed", note: "bad mtu", now: start + .seconds(2)) == .post)
        #expect(limiter.admit(reason: "InvalidConfig", note: "bad mtu", now: start + .seconds(600)) == .post)
    }

    @Test func aForgottenFailedPostMayBeRetried() {
        var limiter = EventRateLimiter()
        #expect(limiter.admit(reason: "Applied", note: "v1", now: start) == .post)
        limiter.forget(reason: "Applied", note: "v1")
        #expect(limiter.admit(reason: "Applied", note: "v1", now: start + .seconds(1)) == .post)
        #expect(limiter.admit(reason: "Applied", note: "v1", now: start + .seconds(2)) == .duplicate)
    }
}

struct EventBodyTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (Int64(1_714_566_896_123_456), "2024-05-01T12:34:56.123456Z"),
        (Int64(951_782_400_000_001), "2000-02-29T00:00:00.000001Z"),
        (Int64(4_102_444_799_999_999), "2099-12-31T23:59:59.999999Z"),
        (Int64(-1), "1969-12-31T23:59:59.999999Z"),
    ])
    func microTimeHasSixFractionalDigits(_ microseconds: Int64, _ expected: String) {
        #expect(MicroTime.format(microsecondsSince1970: microseconds) == expected)
    }

    @Test func microTimeAgreesWithFoundationOverManyDates() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var random = SeededRandom(state: 3)
        for _ in 0..<500 {
            let seconds = Int64.random(in: 0...4_102_444_800, using: &random)
            let text = MicroTime.format(microsecondsSince1970: seconds * 1_000_000 + 42)
            let date = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(text == date.dropLast() + ".000042Z")
        }
    }

    @Test func notesAreCutTo1KBAtACharacterBoundary() {
        #expect(EventRecorder.truncated("short") == "short")
        let exact = String(repeating: "a", count: 1024)
        #expect(EventRecorder.truncated(exact) == exact)
        let long = String(repeating: "é", count: 600)  // 1200 bytes
        let cut = EventRecorder.truncated(long)
        #expect(cut.utf8.count <= 1024)
        #expect(cut.hasSuffix("…"))
        #expect(cut.dropLast().allSatisfy { $0 == "é" })
        #expect(cut.utf8.count > 1018)
    }

    @Test func aSharedEventIsPostedUnderItsNameAndA409MeansAnotherNodePostedIt() async throws {
        try await LocalAPIServer.run(respond: { _, index in
            index == 0
                ? Response.json("{}", status: .created)
                : Response.kubeStatus(409, reason: "AlreadyExists", message: "events.events.k8s.io eni-config.7.pendingrestart already exists")
        }) { port, server in
            let connection = ClusterConnection(server: "http://127.0.0.1:\(port)", tlsConfiguration: nil, tokenSource: nil, namespace: nil, origin: "test")
            let client = KubeClient(connection: connection)
            func report(_ note: String, sharedName: String?) -> EventReport {
                EventReport(type: .normal, reason: "PendingRestart", action: "Validate", note: note, regarding: .configMap(configMap("7")), sharedName: sharedName)
            }
            let first = EventRecorder(client: client, nodeName: "node-a")
            #expect(await first.record(report("waits", sharedName: "eni-config.7.pendingrestart")) == .posted(name: "eni-config.7.pendingrestart"))
            let second = EventRecorder(client: client, nodeName: "node-b")
            #expect(await second.record(report("waits", sharedName: "eni-config.7.pendingrestart")) == .alreadyReported(name: "eni-config.7.pendingrestart"))
            // A node's own Event with a clashing name is a failure, not somebody else's report.
            let own = await second.record(report("this node only", sharedName: nil))
            #expect(own.isFailure)
            let bodies = server.requests.map { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any] }
            #expect(bodies.prefix(2).map { ($0?["metadata"] as? [String: Any])?["name"] as? String } == ["eni-config.7.pendingrestart", "eni-config.7.pendingrestart"])
            try await client.shutdown()
        }
    }

    @Test func theEventNamesTheConfigMapTheNodeAndTheController() async throws {
        let connection = ClusterConnection(server: "http://127.0.0.1:1", tlsConfiguration: nil, tokenSource: nil, namespace: nil, origin: "test")
        let client = KubeClient(connection: connection)
        let recorder = EventRecorder(client: client, nodeName: "node-a", microsecondsSince1970: { 1_714_566_896_123_456 })
        let report = EventReport(
            type: .warning, reason: "InvalidConfig", action: "Validate", note: "plugins[0].mtu: must be a number",
            regarding: .configMap(configMap("4711"))
        )
        let event = recorder.makeEvent(report, note: report.note)
        #expect(event.metadata.namespace == "kube-system")
        #expect(event.metadata.name.hasPrefix("eni-config.\(String(Int64(1_714_566_896_123_456_000), radix: 16))"))
        #expect(event.eventTime == "2024-05-01T12:34:56.123456Z")

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(event)) as? [String: Any]
        #expect(json?["apiVersion"] as? String == "events.k8s.io/v1")
        #expect(json?["kind"] as? String == "Event")
        #expect(json?["reportingController"] as? String == "eni-config-agent")
        #expect(json?["reportingInstance"] as? String == "node-a")
        #expect(json?["type"] as? String == "Warning")
        #expect(json?["reason"] as? String == "InvalidConfig")
        #expect(json?["action"] as? String == "Validate")
        #expect(json?["note"] as? String == "plugins[0].mtu: must be a number")
        let regarding = json?["regarding"] as? [String: String]
        #expect(regarding == [
            "apiVersion": "v1", "kind": "ConfigMap", "namespace": "kube-system", "name": "eni-config",
            "uid": "uid-1", "resourceVersion": "4711",
        ])
        #expect(json?["related"] as? [String: String] == ["apiVersion": "v1", "kind": "Node", "name": "node-a"])

        // A deleted ConfigMap is known by name only: no uid or version is claimed.
        let byName = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ObjectReference.configMap(namespace: "kube-system", name: "eni-config")))
        #expect(byName as? [String: String] == ["apiVersion": "v1", "kind": "ConfigMap", "namespace": "kube-system", "name": "eni-config"])
        try await client.shutdown()
    }
}

extension EventRecorder.Outcome {
    var isFailure: Bool {
        if case .failed = self { return true }
        return false
    }
}
