import Foundation
import KubeSandbox
import Testing

/// The sandbox as the API server towards validating admission webhooks: which writes reach a
/// webhook, what it is sent, and what its answer or failure does to the request.
@Suite("validating admission webhooks", .timeLimit(.minutes(1)))
struct AdmissionWebhookTests {
    static let configurations = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations"
    static let configMaps = "/api/v1/namespaces/kube-system/configmaps"

    static func configMap(_ name: String, labels: [String: String] = [:], data: [String: String] = ["k": "v"]) -> String {
        json(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": name, "labels": labels], "data": data])
    }

    static func json(_ value: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: value), as: UTF8.self)
    }

    /// A ValidatingWebhookConfiguration with one webhook calling `webhook`, on ConfigMap writes
    /// unless `changes` says otherwise.
    static func configuration(_ webhook: TestWebhook, name: String = "test", _ changes: [String: Any] = [:]) -> String {
        var entry: [String: Any] = [
            "name": "check.\(name).example.com",
            "clientConfig": ["url": webhook.url, "caBundle": Data(webhook.caBundle.utf8).base64EncodedString()],
            "rules": [["operations": ["CREATE", "UPDATE", "DELETE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["configmaps"]]],
            "sideEffects": "None", "admissionReviewVersions": ["v1"], "timeoutSeconds": 2,
        ]
        entry.merge(changes) { $1 }
        return json([
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
            "metadata": ["name": name], "webhooks": [entry],
        ])
    }

    static func register(_ harness: SandboxHarness, _ body: String) async throws {
        let created = try await harness.request(.POST, configurations, body: body)
        #expect(created.status == 201, "\(created.body)")
    }

    @Test("a denial is the request's error with the webhook's Status; nothing is stored; warnings reach the client")
    func denial() async throws {
        let webhook = try await TestWebhook { request in
            TestWebhook.response(request, allowed: false, [
                "warnings": ["looked at it"],
                "status": ["code": 422, "reason": "Invalid", "message": "k is wrong",
                           "details": ["kind": "ConfigMap", "name": "demo", "causes": [["reason": "FieldValueInvalid", "field": "data[k]", "message": "1:1: no"]]]],
            ])
        }
        defer { Task { await webhook.stop() } }
        try await SandboxHarness.with { harness in
            try await Self.register(harness, Self.configuration(webhook))
            let refused = try await harness.request(.POST, Self.configMaps, body: Self.configMap("demo"))
            #expect(refused.status == 422)
            #expect(refused.json["reason"] as? String == "Invalid")
            #expect(refused.json["message"] as? String == #"admission webhook "check.test.example.com" denied the request: k is wrong"#)
            let causes = (refused.json["details"] as? [String: Any])?["causes"] as? [[String: Any]]
            #expect(causes?.first?["field"] as? String == "data[k]")
            #expect(refused.headers["warning"] == #"299 - "looked at it""#)
            #expect(harness.sandbox.configMap(namespace: "kube-system", name: "demo") == nil)

            let review = try #require(webhook.requests.first)
            #expect(review["operation"] as? String == "CREATE")
            #expect(review["namespace"] as? String == "kube-system")
            #expect(review["name"] as? String == "demo")
            #expect((review["kind"] as? [String: String]) == ["group": "", "version": "v1", "kind": "ConfigMap"])
            #expect((review["object"] as? [String: Any])?["data"] as? [String: String] == ["k": "v"])
            #expect(review["oldObject"] is NSNull)
            #expect(review["dryRun"] as? Bool == false)
        }
    }

    @Test("UPDATE, PATCH and DELETE send the old object; dryRun is reviewed, told, and stores nothing")
    func operations() async throws {
        let webhook = try await TestWebhook { TestWebhook.response($0, allowed: true, ["warnings": ["fine"]]) }
        defer { Task { await webhook.stop() } }
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            try await Self.register(harness, Self.configuration(webhook))
            let item = Self.configMaps + "/eni-config"
            let dryRun = try await harness.request(
                .PATCH, item + "?dryRun=All", body: #"{"data":{"added":"1"}}"#, contentType: "application/merge-patch+json")
            #expect(dryRun.status == 200)
            #expect(dryRun.headers["warning"] == #"299 - "fine""#)
            #expect(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config")?.data["added"] == nil)
            let patched = try await harness.request(.PATCH, item, body: #"{"data":{"added":"1"}}"#, contentType: "application/merge-patch+json")
            #expect(patched.status == 200)
            let deleted = try await harness.request(.DELETE, item)
            #expect(deleted.status == 200)

            let reviews = webhook.requests
            #expect(reviews.map { $0["operation"] as? String } == ["UPDATE", "UPDATE", "DELETE"])
            #expect(reviews.map { $0["dryRun"] as? Bool } == [true, false, false])
            #expect(((reviews[0]["object"] as? [String: Any])?["data"] as? [String: String])?["added"] == "1", "the patched object")
            #expect(((reviews[0]["oldObject"] as? [String: Any])?["data"] as? [String: String])?["added"] == nil)
            #expect(reviews[2]["object"] is NSNull)
            #expect(((reviews[2]["oldObject"] as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String == "eni-config")
        }
    }

    /// (what, changes to the configuration, the ConfigMap written to kube-system, whether it reaches the webhook)
    static let selections: [(String, String, String, Bool)] = [
        ("matchConditions true", #"{"matchConditions": [{"name": "one", "expression": "request.namespace == 'kube-system' && request.name == 'target'"}]}"#, "target", true),
        ("matchConditions false", #"{"matchConditions": [{"name": "one", "expression": "request.namespace == 'kube-system' && request.name == 'target'"}]}"#, "other", false),
        ("a rule for DELETE only", #"{"rules": [{"operations": ["DELETE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["configmaps"]}]}"#, "other", false),
        ("a rule for secrets", #"{"rules": [{"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["secrets"]}]}"#, "other", false),
        ("a rule for everything", #"{"rules": [{"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*/*"]}]}"#, "other", true),
        ("namespaceSelector on kube-system", #"{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}"#, "other", true),
        ("namespaceSelector on default", #"{"namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["default"]}]}}"#, "other", false),
        ("objectSelector not matching", #"{"objectSelector": {"matchLabels": {"guarded": "yes"}}}"#, "other", false),
    ]

    static func object(_ json: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }

    @Test("rules, selectors and matchConditions decide which writes reach the webhook", arguments: selections)
    func selection(_ what: String, _ changes: String, _ name: String, _ reaches: Bool) async throws {
        let webhook = try await TestWebhook { TestWebhook.response($0, allowed: false) }
        defer { Task { await webhook.stop() } }
        try await SandboxHarness.with { harness in
            try await Self.register(harness, Self.configuration(webhook, Self.object(changes)))
            let written = try await harness.request(.POST, Self.configMaps, body: Self.configMap(name))
            #expect(written.status == (reaches ? 403 : 201), "\(written.body)")
            #expect(webhook.requests.count == (reaches ? 1 : 0))
            if reaches {
                #expect(written.json["message"] as? String == #"admission webhook "check.test.example.com" denied the request without explanation"#)
            }
        }
    }

    @Test("failurePolicy: a webhook that is down or slower than timeoutSeconds fails the write with Fail, not with Ignore")
    func failurePolicy() async throws {
        let slow = try await TestWebhook { request in
            try? await Task.sleep(for: .seconds(5))
            return TestWebhook.response(request, allowed: true)
        }
        defer { Task { await slow.stop() } }
        try await SandboxHarness.with { harness in
            try await Self.register(harness, Self.configuration(slow, name: "slow", ["timeoutSeconds": 1, "failurePolicy": "Fail"]))
            let started = ContinuousClock.now
            let refused = try await harness.request(.POST, Self.configMaps, body: Self.configMap("a"))
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(refused.status == 500)
            #expect(refused.json["reason"] as? String == "InternalError")
            let message = refused.json["message"] as? String ?? ""
            #expect(message.hasPrefix(#"Internal error occurred: failed calling webhook "check.slow.example.com": failed to call webhook: Post "\#(slow.url)?timeout=1s""#), "\(message)")
            #expect(message.contains("deadline"))
            #expect(harness.sandbox.configMap(namespace: "kube-system", name: "a") == nil)

            // Break glass: the configuration itself is never reviewed, so it can always be removed.
            let removed = try await harness.request(.DELETE, Self.configurations + "/slow")
            #expect(removed.status == 200)
            await slow.stop()
            try await Self.register(harness, Self.configuration(slow, name: "down", ["failurePolicy": "Ignore"]))
            let allowed = try await harness.request(.POST, Self.configMaps, body: Self.configMap("b"))
            #expect(allowed.status == 201, "a webhook that is down is skipped with Ignore: \(allowed.body)")
        }
    }

    /// (what, how the answer is wrong, a word the failure names)
    static let badAnswers: [(String, @Sendable ([String: Any]) -> (status: Int, body: [String: Any]), String)] = [
        ("another uid", { _ in TestWebhook.response(["uid": "someone-else"], allowed: true) }, #"expected response.uid="#),
        ("HTTP 400", { _ in (400, ["error": "bad"]) }, "the server responded with status 400"),
        ("no allowed", { request in (200, ["apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": ["uid": request["uid"] ?? ""]]) },
         "response.allowed"),
    ]

    @Test("an answer that is not a valid AdmissionReview for this request is a failure", arguments: badAnswers)
    func badAnswer(_ what: String, _ answer: @escaping @Sendable ([String: Any]) -> (status: Int, body: [String: Any]), _ word: String) async throws {
        let webhook = try await TestWebhook { answer($0) }
        defer { Task { await webhook.stop() } }
        try await SandboxHarness.with { harness in
            try await Self.register(harness, Self.configuration(webhook))
            let refused = try await harness.request(.POST, Self.configMaps, body: Self.configMap("a"))
            #expect(refused.status == 500)
            #expect((refused.json["message"] as? String)?.contains(word) == true, "\(refused.body)")
        }
    }

    @Test("TLS is verified with the caBundle: a certificate from another CA fails the call")
    func verification() async throws {
        let webhook = try await TestWebhook { TestWebhook.response($0, allowed: true) }
        let other = try await TestWebhook { TestWebhook.response($0, allowed: true) }
        defer { Task { await webhook.stop(); await other.stop() } }
        try await SandboxHarness.with { harness in
            let wrongCA = ["clientConfig": ["url": webhook.url, "caBundle": Data(other.caBundle.utf8).base64EncodedString()]]
            try await Self.register(harness, Self.configuration(webhook, name: "wrong-ca", wrongCA))
            let refused = try await harness.request(.POST, Self.configMaps, body: Self.configMap("a"))
            #expect(refused.status == 500, "\(refused.body)")
            #expect((refused.json["message"] as? String)?.contains("failed to call webhook") == true)
            #expect(webhook.requests.isEmpty)
        }
    }

    @Test("a Service is reached through its route, addressed as <name>.<namespace>.svc; without a route the call fails")
    func serviceRoute() async throws {
        let webhook = try await TestWebhook { TestWebhook.response($0, allowed: true) }
        defer { Task { await webhook.stop() } }
        try await SandboxHarness.with { harness in
            let service: [String: Any] = ["clientConfig": [
                "service": ["namespace": "kube-system", "name": "webhook", "path": "/review"],
                "caBundle": Data(webhook.caBundle.utf8).base64EncodedString(),
            ]]
            try await Self.register(harness, Self.configuration(webhook, name: "service", service))
            let unrouted = try await harness.request(.POST, Self.configMaps, body: Self.configMap("a"))
            #expect(unrouted.status == 500)
            #expect((unrouted.json["message"] as? String)?.hasSuffix(
                #"failed to call webhook: Post "https://webhook.kube-system.svc:443/review?timeout=2s": service "webhook" not found"#) == true,
                "\(unrouted.body)")
            harness.sandbox.routeService(namespace: "kube-system", name: "webhook", to: "127.0.0.1", targetPort: webhook.port)
            let routed = try await harness.request(.POST, Self.configMaps, body: Self.configMap("b"))
            #expect(routed.status == 201, "\(routed.body)")
            #expect(webhook.requests.map { $0["name"] as? String } == ["b"])
        }
    }

    /// (what, changes to the configuration, the field refused)
    static let refusedConfigurations: [(String, String, String)] = [
        ("CEL the sandbox does not evaluate", #"{"matchConditions": [{"name": "size", "expression": "size(object.data) > 1"}]}"#, "webhooks[0].matchConditions[0].expression"),
        ("an http URL", #"{"clientConfig": {"url": "http://127.0.0.1:1/review"}}"#, "webhooks[0].clientConfig.url"),
        ("sideEffects Some", #"{"sideEffects": "Some"}"#, "webhooks[0].sideEffects"),
        ("a 31 s timeout", #"{"timeoutSeconds": 31}"#, "webhooks[0].timeoutSeconds"),
        ("v1beta1 reviews only", #"{"admissionReviewVersions": ["v1beta1"]}"#, "webhooks[0].admissionReviewVersions"),
        ("a two-segment name", #"{"name": "check.example"}"#, "webhooks[0].name"),
    ]

    @Test("configurations are validated; what the sandbox cannot honour is refused", arguments: refusedConfigurations)
    func refusedConfiguration(_ what: String, _ changes: String, _ field: String) async throws {
        let webhook = try await TestWebhook { TestWebhook.response($0, allowed: true) }
        defer { Task { await webhook.stop() } }
        try await SandboxHarness.with { harness in
            let refused = try await harness.request(.POST, Self.configurations, body: Self.configuration(webhook, Self.object(changes)))
            #expect(refused.status == 422, "\(refused.body)")
            let causes = (refused.json["details"] as? [String: Any])?["causes"] as? [[String: Any]] ?? []
            #expect(causes.contains { $0["field"] as? String == field }, "\(refused.body)")
        }
    }

    @Test("defaults are stored: failurePolicy Fail, a 10 s timeout, rules of any scope, service port 443")
    func defaults() async throws {
        try await SandboxHarness.with { harness in
            let body = Self.json([
                "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration", "metadata": ["name": "d"],
                "webhooks": [[
                    "name": "check.d.example.com", "sideEffects": "None", "admissionReviewVersions": ["v1"],
                    "clientConfig": ["service": ["namespace": "kube-system", "name": "w"]],
                    "rules": [["operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["configmaps"]]],
                ]],
            ])
            try await Self.register(harness, body)
            let stored = try await harness.request(.GET, Self.configurations + "/d")
            let webhook = try #require((stored.json["webhooks"] as? [[String: Any]])?.first)
            #expect(webhook["failurePolicy"] as? String == "Fail")
            #expect(webhook["timeoutSeconds"] as? Int == 10)
            #expect(webhook["matchPolicy"] as? String == "Equivalent")
            #expect((webhook["rules"] as? [[String: Any]])?.first?["scope"] as? String == "*")
            #expect(((webhook["clientConfig"] as? [String: Any])?["service"] as? [String: Any])?["port"] as? Int == 443)
            #expect(stored.json["metadata"].flatMap { ($0 as? [String: Any])?["namespace"] } == nil, "cluster-scoped")
        }
    }
}
