import Foundation
import KubeSandbox
import Testing

/// Events posted through `events.k8s.io/v1`, stored once and listed through both APIs.
@Suite("events", .timeLimit(.minutes(1)))
struct EventTests {
    static let eventsV1 = "/apis/events.k8s.io/v1/namespaces/kube-system/events"
    static let coreEvents = "/api/v1/namespaces/kube-system/events"

    @Test("an events.k8s.io/v1 Event is listed by the core API as its involvedObject, message and source")
    func bothAPIs() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let uid = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config")?.uid)
            #expect(try await harness.request(.POST, Self.eventsV1, body: EventBodies.applied(uid: uid)).status == 201)

            let selector = "involvedObject.name%3Deni-config,involvedObject.namespace%3Dkube-system,involvedObject.kind%3DConfigMap,involvedObject.uid%3D\(uid)"
            let core = try await harness.request(.GET, Self.coreEvents + "?fieldSelector=\(selector)")
            let items = core.json["items"] as? [[String: Any]] ?? []
            #expect(items.count == 1)
            #expect(items.first?["message"] as? String == "applied 10-terway.conflist")
            #expect(items.first?["reportingComponent"] as? String == "eni-config-agent")
            #expect((items.first?["involvedObject"] as? [String: Any])?["uid"] as? String == uid)

            let otherObject = try await harness.request(.GET, Self.coreEvents + "?fieldSelector=involvedObject.uid%3Dsomething-else")
            #expect((otherObject.json["items"] as? [Any])?.isEmpty == true)

            let events = harness.sandbox.events(namespace: "kube-system")
            #expect(events.count == 1)
            #expect(events.first?.reason == "Applied")
            #expect(events.first?.regarding.uid == uid)
            #expect(events.first?.related?.kind == "Node")
            #expect(events.first?.eventTime == "2025-01-02T03:04:05.123456Z")
        }
    }

    @Test("eventTime must have exactly six fractional digits, as Go's MicroTime parser demands")
    func microTime() async throws {
        try await SandboxHarness.with { harness in
            let body = EventBodies.applied(uid: "u").replacingOccurrences(of: "05.123456Z", with: "05.123Z")
            let rejected = try await harness.request(.POST, Self.eventsV1, body: body)
            #expect(rejected.status == 400)
            #expect((rejected.json["message"] as? String)?.contains("2006-01-02T15:04:05.000000Z07:00") == true)
            #expect(harness.sandbox.events().isEmpty)
        }
    }

    @Test("the events.k8s.io/v1 rules: required reporting fields, a known type, no deprecated fields")
    func requiredFields() async throws {
        try await SandboxHarness.with { harness in
            let body = #"{"metadata":{"name":"e"},"eventTime":"2025-01-02T03:04:05.000000Z","type":"Info","deprecatedCount":3,"regarding":{"namespace":"kube-system"}}"#
            let rejected = try await harness.request(.POST, Self.eventsV1, body: body)
            #expect(rejected.status == 422)
            let causes = (rejected.json["details"] as? [String: Any])?["causes"] as? [[String: Any]] ?? []
            let fields = Set(causes.compactMap { $0["field"] as? String })
            #expect(fields == ["reportingController", "reportingInstance", "action", "reason", "type", "deprecatedCount"])
        }
    }

    @Test("a series update through PATCH keeps one Event and counts")
    func seriesPatch() async throws {
        try await SandboxHarness.with { harness in
            #expect(try await harness.request(.POST, Self.eventsV1, body: EventBodies.applied(uid: "u", name: "repeat")).status == 201)
            let patched = try await harness.request(
                .PATCH, Self.eventsV1 + "/repeat",
                body: #"{"series":{"count":2,"lastObservedTime":"2025-01-02T03:05:05.000000Z"}}"#,
                contentType: "application/merge-patch+json")
            #expect(patched.status == 200, "\(patched.body)")
            #expect(harness.sandbox.events().map(\.seriesCount) == [2])
        }
    }
}
