import Foundation
import KubeSandbox
import Testing

/// CRUD semantics, errors as Status objects, authentication and injected faults over raw HTTPS.
@Suite("requests and faults", .timeLimit(.minutes(1)))
struct RequestTests {
    static let collection = "/api/v1/namespaces/kube-system/configmaps"
    static let item = collection + "/eni-config"

    static let demo = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"demo"},"data":{"a":"1"}}"#

    @Test("create answers 201, a duplicate 409 AlreadyExists, a missing object 404")
    func createAndMissing() async throws {
        try await SandboxHarness.with { harness in
            let created = try await harness.request(.POST, Self.collection, body: Self.demo)
            #expect(created.status == 201)
            let metadata = created.json["metadata"] as? [String: Any] ?? [:]
            #expect(metadata["namespace"] as? String == "kube-system")
            #expect(metadata["resourceVersion"] as? String == "1")
            #expect((metadata["uid"] as? String)?.count == 36)
            #expect(KubeTimestamp.isRFC3339(metadata["creationTimestamp"] as? String))

            let duplicate = try await harness.request(.POST, Self.collection, body: Self.demo)
            #expect(duplicate.status == 409)
            #expect(duplicate.json["kind"] as? String == "Status")
            #expect(duplicate.json["reason"] as? String == "AlreadyExists")
            #expect(duplicate.json["message"] as? String == #"configmaps "demo" already exists"#)

            let missing = try await harness.request(.GET, Self.collection + "/absent")
            #expect(missing.status == 404)
            #expect(missing.json["reason"] as? String == "NotFound")
            #expect((missing.json["details"] as? [String: Any])?["name"] as? String == "absent")

            let unknownPath = try await harness.request(.GET, "/api/v1/namespaces/kube-system/pods")
            #expect(unknownPath.status == 404)
            #expect(unknownPath.json["message"] as? String == "the server could not find the requested resource")

            let createOnItem = try await harness.request(.POST, Self.collection + "/demo", body: Self.demo)
            #expect(createOnItem.status == 405)
            #expect(createOnItem.json["reason"] as? String == "MethodNotAllowed")
        }
    }

    @Test("an update naming a stale resourceVersion gets 409 Conflict; an unchanged one keeps its version")
    func optimisticConcurrency() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            func body(version: String, value: String) -> String {
                #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"eni-config","namespace":"kube-system","resourceVersion":"\#(version)"},"data":{"v":"\#(value)"}}"#
            }
            let first = try await harness.request(.PUT, Self.item, body: body(version: "1", value: "a"))
            #expect(first.status == 200)
            #expect((first.json["metadata"] as? [String: Any])?["resourceVersion"] as? String == "2")

            let stale = try await harness.request(.PUT, Self.item, body: body(version: "1", value: "b"))
            #expect(stale.status == 409)
            #expect(stale.json["reason"] as? String == "Conflict")
            #expect((stale.json["message"] as? String)?.contains("the object has been modified") == true)
            #expect(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config")?.data == ["v": "a"])

            let unchanged = try await harness.request(.PUT, Self.item, body: body(version: "2", value: "a"))
            #expect((unchanged.json["metadata"] as? [String: Any])?["resourceVersion"] as? String == "2")
            #expect(harness.sandbox.resourceVersion == "2", "a no-op write is not a change")

            let stalePatch = try await harness.request(
                .PATCH, Self.item, body: #"{"metadata":{"resourceVersion":"1"},"data":{"v":"c"}}"#,
                contentType: "application/merge-patch+json")
            #expect(stalePatch.status == 409)
        }
    }

    @Test("merge, strategic-merge and JSON patches; other media types 415")
    func patches() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let merge = try await harness.request(
                .PATCH, Self.item, body: #"{"data":{"eni_conf":null,"m":"1"}}"#, contentType: "application/merge-patch+json")
            #expect(merge.status == 200)
            #expect((merge.json["data"] as? [String: String])?.keys.sorted() == ["10-terway.conf", "m"])

            let strategic = try await harness.request(
                .PATCH, Self.item, body: #"{"metadata":{"labels":{"app":"terway"}},"data":{"$retainKeys":["m"],"m":"2"}}"#,
                contentType: "application/strategic-merge-patch+json")
            #expect(strategic.status == 200)
            #expect(strategic.json["data"] as? [String: String] == ["m": "2"])

            let json = try await harness.request(
                .PATCH, Self.item, body: #"[{"op":"test","path":"/data/m","value":"2"},{"op":"add","path":"/data/j","value":"3"}]"#,
                contentType: "application/json-patch+json")
            #expect(json.status == 200)
            #expect(json.json["data"] as? [String: String] == ["m": "2", "j": "3"])

            let failedTest = try await harness.request(
                .PATCH, Self.item, body: #"[{"op":"test","path":"/data/m","value":"nope"}]"#, contentType: "application/json-patch+json")
            #expect(failedTest.status == 422)

            let apply = try await harness.request(.PATCH, Self.item, body: "{}", contentType: "application/apply-patch+yaml")
            #expect(apply.status == 415)
            #expect(apply.json["reason"] as? String == "UnsupportedMediaType")
        }
    }

    @Test("validation: 422 for invalid names and keys, 400 for wrong types, strict or warned unknown fields")
    func validation() async throws {
        try await SandboxHarness.with { harness in
            let badName = try await harness.request(.POST, Self.collection, body: #"{"metadata":{"name":"Bad_Name"}}"#)
            #expect(badName.status == 422)
            #expect(badName.json["reason"] as? String == "Invalid")
            let causes = (badName.json["details"] as? [String: Any])?["causes"] as? [[String: Any]]
            #expect(causes?.first?["field"] as? String == "metadata.name")

            let badKey = try await harness.request(.POST, Self.collection, body: #"{"metadata":{"name":"k"},"data":{"a/b":"x"}}"#)
            #expect(badKey.status == 422)

            let number = try await harness.request(.POST, Self.collection, body: #"{"metadata":{"name":"n"},"data":{"a":1}}"#)
            #expect(number.status == 400)
            #expect((number.json["message"] as? String)?.contains("cannot unmarshal number into Go struct field ConfigMap.data of type string") == true)

            let strict = try await harness.request(.POST, Self.collection + "?fieldValidation=Strict", body: #"{"metadata":{"name":"s"},"spec":{}}"#)
            #expect(strict.status == 400)
            #expect(strict.json["message"] as? String == #"strict decoding error: unknown field "spec""#)

            let warned = try await harness.request(.POST, Self.collection, body: #"{"metadata":{"name":"w","colour":"red"}}"#)
            #expect(warned.status == 201)
            #expect(warned.headers["warning"] == #"299 - "unknown field \"metadata.colour\"""#)
            #expect((warned.json["metadata"] as? [String: Any])?["colour"] == nil, "unknown fields are dropped")

            let dryRun = try await harness.request(.POST, Self.collection + "?dryRun=All", body: #"{"metadata":{"name":"dry"}}"#)
            #expect(dryRun.status == 201)
            #expect(harness.sandbox.configMap(namespace: "kube-system", name: "dry") == nil)
        }
    }

    @Test("protobuf bodies: only for ConfigMaps, and malformed ones are a 400")
    func protobufBodies() async throws {
        try await SandboxHarness.with { harness in
            let garbage = try await harness.request(.POST, Self.collection, body: "k8s\u{0}\u{0A}\u{FF}", contentType: "application/vnd.kubernetes.protobuf")
            #expect(garbage.status == 400)
            #expect((garbage.json["message"] as? String)?.contains("could not be decoded as protobuf") == true)
            let events = try await harness.request(
                .POST, "/api/v1/namespaces/kube-system/events", body: "k8s", contentType: "application/vnd.kubernetes.protobuf")
            #expect(events.status == 415)
            let yaml = try await harness.request(.POST, Self.collection, body: "metadata: {}", contentType: "application/yaml")
            #expect(yaml.status == 415)
        }
    }

    @Test("immutable ConfigMaps refuse data changes")
    func immutable() async throws {
        try await SandboxHarness.with { harness in
            try harness.sandbox.apply(SandboxConfigMap(namespace: "default", name: "frozen", data: ["a": "1"], immutable: true))
            let change = try await harness.request(
                .PATCH, "/api/v1/namespaces/default/configmaps/frozen", body: #"{"data":{"a":"2"}}"#,
                contentType: "application/merge-patch+json")
            #expect(change.status == 422)
            #expect((change.json["message"] as? String)?.contains("field is immutable when `immutable` is set") == true)
        }
    }

    @Test("delete answers a Success Status; preconditions are checked")
    func delete() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let stale = try await harness.request(.DELETE, Self.item, body: #"{"preconditions":{"resourceVersion":"0"}}"#)
            #expect(stale.status == 409)
            let deleted = try await harness.request(.DELETE, Self.item)
            #expect(deleted.status == 200)
            #expect(deleted.json["status"] as? String == "Success")
            #expect((deleted.json["details"] as? [String: Any])?["name"] as? String == "eni-config")
            #expect(harness.sandbox.resourceVersion == "2", "a delete is a change with its own version")
            #expect(try await harness.request(.DELETE, Self.item).status == 404)
        }
    }

    @Test("the token guards everything but /version and the health endpoints; rotation rejects the old one")
    func authentication() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            #expect(try await harness.request(.GET, "/version", token: "").json["gitVersion"] as? String == "v1.32.4")
            #expect(try await harness.request(.GET, "/healthz", token: "").body == "ok")
            let anonymous = try await harness.request(.GET, Self.item, token: "")
            #expect(anonymous.status == 401)
            #expect(anonymous.json["reason"] as? String == "Unauthorized")

            let old = try #require(harness.sandbox.token)
            let new = try #require(harness.sandbox.rotateToken())
            #expect(new != old)
            #expect(try await harness.request(.GET, Self.item, token: old).status == 401)
            #expect(try await harness.request(.GET, Self.item, token: new).status == 200)
        }
    }

    @Test("failNextRequests answers the next matching requests with the status and Retry-After")
    func injectedFailures() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            harness.sandbox.failNextRequests(2, status: 503, retryAfter: 7, matching: .path(prefix: Self.collection))
            #expect(try await harness.request(.GET, "/api/v1").status == 200, "other paths are unaffected")
            for _ in 0..<2 {
                let failed = try await harness.request(.GET, Self.item)
                #expect(failed.status == 503)
                #expect(failed.headers["retry-after"] == "7")
                #expect(failed.json["reason"] as? String == "ServiceUnavailable")
                #expect((failed.json["details"] as? [String: Any])?["retryAfterSeconds"] as? Int == 7)
            }
            #expect(try await harness.request(.GET, Self.item).status == 200)

            harness.sandbox.failNextRequests(1, status: 429, matching: .watches)
            #expect(try await harness.request(.GET, Self.collection).status == 200, "a list is not a watch")
            let throttled = try await harness.request(.GET, Self.collection + "?watch=1&timeoutSeconds=1")
            #expect(throttled.status == 429)
            #expect(throttled.json["reason"] as? String == "TooManyRequests")
            #expect(harness.sandbox.requestLog.suffix(2).map(\.status) == [200, 429])

            harness.sandbox.failNextRequests(1, status: 500, matching: .lists)
            #expect(try await harness.request(.GET, Self.item).status == 200, "a single read is not a list")
            #expect(try await harness.request(.GET, Self.collection).status == 500)
        }
    }

    @Test("setLatency delays every request")
    func latency() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            harness.sandbox.setLatency(.milliseconds(300))
            let started = ContinuousClock.now
            #expect(try await harness.request(.GET, Self.item).status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            harness.sandbox.setLatency(.zero)
            let quick = ContinuousClock.now
            _ = try await harness.request(.GET, Self.item)
            #expect(ContinuousClock.now - quick < .milliseconds(300))
        }
    }

    @Test("discovery names the served resources")
    func discovery() async throws {
        try await SandboxHarness.with { harness in
            let core = try await harness.request(.GET, "/api/v1")
            let names = (core.json["resources"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["namespaces", "configmaps", "secrets", "events"])
            let groups = try await harness.request(.GET, "/apis")
            #expect((groups.json["groups"] as? [[String: Any]])?.first?["name"] as? String == "events.k8s.io")
            let events = try await harness.request(.GET, "/apis/events.k8s.io/v1")
            #expect((events.json["resources"] as? [[String: Any]])?.first?["kind"] as? String == "Event")
            let api = try await harness.request(.GET, "/api")
            let address = (api.json["serverAddressByClientCIDRs"] as? [[String: Any]])?.first?["serverAddress"] as? String
            #expect(address == "127.0.0.1:\(harness.sandbox.port!)")
        }
    }
}

enum KubeTimestamp {
    static func isRFC3339(_ text: String?) -> Bool {
        guard let text else { return false }
        return (try? Date.ISO8601FormatStyle().parse(text)) != nil
    }
}
