import Foundation
import KubeSandbox
import Testing
import TestSupport

/// The real `kubectl` (v1.32 through the local dispatcher) against the sandbox over HTTPS with
/// the generated CA and bearer token.
@Suite("kubectl against the sandbox", .timeLimit(.minutes(1)))
struct KubectlTests {
    @Test("get -o yaml returns the seeded ConfigMap")
    func getYAML() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            let result = try await kubectl.run(["get", "cm", "-n", "kube-system", "eni-config", "-o", "yaml"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("name: eni-config"))
            #expect(result.stdout.contains("namespace: kube-system"))
            #expect(result.stdout.contains("10-terway.conf: |"))
            #expect(result.stdout.contains("resourceVersion: \"1\""))
            // The dispatcher asked /version first; everything after it carried the token.
            #expect(harness.sandbox.requestLog.first?.path == "/version")
            #expect(!harness.sandbox.requestLog.contains { $0.status == 401 })
        }
    }

    @Test("get prints the server-side table")
    func getTable() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            let result = try await kubectl.run(["get", "cm", "-A"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            #expect(lines.first == ["NAMESPACE", "NAME", "DATA", "AGE"])
            #expect(lines.dropFirst().first?.prefix(3) == ["kube-system", "eni-config", "2"])
        }
    }

    @Test("apply -f creates, then configures; unknown fields are rejected")
    func apply() async throws {
        try await SandboxHarness.with { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            let manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: demo
                  namespace: kube-system
                data:
                  mode: "one"
                """
            let path = try kubectl.file("demo.yaml", manifest)
            let created = try await kubectl.run(["apply", "-f", path])
            #expect(created.stdout.contains("configmap/demo created"), "\(created.stderr)")
            #expect(harness.sandbox.configMap(namespace: "kube-system", name: "demo")?.data == ["mode": "one"])

            _ = try kubectl.file("demo.yaml", manifest.replacingOccurrences(of: "\"one\"", with: "\"two\"") + "\n  extra: \"yes\"")
            let configured = try await kubectl.run(["apply", "-f", path])
            #expect(configured.stdout.contains("configmap/demo configured"), "\(configured.stderr)")
            let stored = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "demo"))
            #expect(stored.data == ["mode": "two", "extra": "yes"])
            #expect(stored.annotations["kubectl.kubernetes.io/last-applied-configuration"]?.contains("\"two\"") == true)

            let typo = try kubectl.file("typo.yaml", manifest + "\ndatta:\n  x: y\n")
            let rejected = try await kubectl.run(["apply", "-f", typo])
            #expect(rejected.status != 0)
            #expect(rejected.stderr.contains("unknown field \"datta\""), "\(rejected.stderr)")
        }
    }

    @Test("the repository's examples: seed one, kubectl apply the tuning edit, a watch sees it")
    func examples() async throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        let seed = try String(contentsOf: examples.appendingPathComponent("eni-config.yaml"), encoding: .utf8)
        try await SandboxHarness.with(seed: seed) { harness in
            let before = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config"))
            let watch = try await harness.watch(WatchTests.byName + "&watch=1&resourceVersion=\(harness.sandbox.resourceVersion)")
            let kubectl = try Kubectl(for: harness.sandbox)
            let applied = try await kubectl.run(["apply", "-f", examples.appendingPathComponent("eni-config-tuning.yaml").path])
            #expect(applied.stdout.contains("configmap/eni-config configured"), "\(applied.stderr)")
            let after = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config"))
            #expect(after.data["10-terway.conflist"] != before.data["10-terway.conflist"])
            let events = try await watch.events(atLeast: 1)
            #expect(events.first?.type == "MODIFIED")
            #expect(events.first?.data["10-terway.conflist"] == after.data["10-terway.conflist"])
            watch.cancel()
        }
    }

    @Test("create configmap sends protobuf; label and annotate patch it")
    func createLabelAnnotate() async throws {
        try await SandboxHarness.with { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            let created = try await kubectl.run(["create", "configmap", "literal", "-n", "kube-system", "--from-literal=a=1", "--from-literal=b=two"])
            #expect(created.stdout == "configmap/literal created\n", "\(created.stderr)")
            #expect(harness.sandbox.requestLog.contains { $0.method == "POST" && $0.status == 201 })
            #expect(try await kubectl.run(["label", "cm", "literal", "-n", "kube-system", "app=terway"]).status == 0)
            #expect(try await kubectl.run(["annotate", "cm", "literal", "-n", "kube-system", "note=hello"]).status == 0)
            let stored = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "literal"))
            #expect(stored.data == ["a": "1", "b": "two"])
            #expect(stored.labels == ["app": "terway"])
            #expect(stored.annotations == ["note": "hello"])
        }
    }

    @Test("patch with merge, strategic and JSON patches")
    func patch() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            let target = ["-n", "kube-system", "cm", "eni-config"]
            let merge = try await kubectl.run(["patch"] + target + ["--type", "merge", "-p", #"{"data":{"added":"1"}}"#])
            #expect(merge.stdout.contains("configmap/eni-config patched"), "\(merge.stderr)")
            let strategic = try await kubectl.run(["patch"] + target + ["-p", #"{"data":{"eni_conf":null}}"#])
            #expect(strategic.status == 0, "\(strategic.stderr)")
            let json = try await kubectl.run(["patch"] + target + ["--type", "json", "-p", #"[{"op":"replace","path":"/data/added","value":"2"}]"#])
            #expect(json.status == 0, "\(json.stderr)")
            let stored = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config"))
            #expect(stored.data.keys.sorted() == ["10-terway.conf", "added"])
            #expect(stored.data["added"] == "2")
            #expect(stored.resourceVersion == "4")
        }
    }

    @Test("edit through KUBE_EDITOR")
    func edit() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            // The "editor" rewrites the terway type in the temp file kubectl hands it.
            let editor = try kubectl.file("editor.sh", """
                #!/bin/sh
                sed -i 's/"type": "terway"}/"type": "terway", "edited": true}/' "$1"
                """, executable: true)
            let result = try await kubectl.run(["edit", "cm", "-n", "kube-system", "eni-config"], environment: ["KUBE_EDITOR": editor])
            #expect(result.stdout.contains("configmap/eni-config edited"), "\(result.stdout) \(result.stderr)")
            let stored = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config"))
            #expect(stored.data["10-terway.conf"]?.contains("\"edited\": true") == true)
            #expect(harness.sandbox.requestLog.contains { $0.method == "PATCH" && $0.query["fieldValidation"] == "Strict" })
        }
    }

    @Test("get events and describe cm show an Event posted through events.k8s.io/v1")
    func events() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let uid = try #require(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config")?.uid)
            let posted = try await harness.request(.POST, "/apis/events.k8s.io/v1/namespaces/kube-system/events", body: EventBodies.applied(uid: uid))
            #expect(posted.status == 201, "\(posted.body)")

            let kubectl = try Kubectl(for: harness.sandbox)
            let events = try await kubectl.run(["get", "events", "-n", "kube-system"])
            #expect(events.status == 0, "\(events.stderr)")
            let rows = events.stdout.split(separator: "\n")
            #expect(rows.first?.split(separator: " ").joined(separator: " ") == "LAST SEEN TYPE REASON OBJECT MESSAGE")
            #expect(rows.dropFirst().first?.contains("Normal   Applied   configmap/eni-config   applied 10-terway.conflist") == true, "\(events.stdout)")

            let describe = try await kubectl.run(["describe", "cm", "-n", "kube-system", "eni-config"])
            #expect(describe.status == 0, "\(describe.stderr)")
            let section = describe.stdout.components(separatedBy: "Events:").last ?? ""
            #expect(section.contains("Applied"), "\(describe.stdout)")
            #expect(section.contains("eni-config-agent"))
        }
    }

    @Test("get -w prints a row for each change until killed")
    func watch() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            let running = try kubectl.start(["get", "cm", "-n", "kube-system", "-w"])
            defer { running.terminate() }
            let listed = try await running.waitForOutput { $0.contains("eni-config") }
            #expect(listed, "\(running.stdout) \(running.stderr)")
            // Wait for the watch itself to be open before changing anything.
            let deadline = ContinuousClock.now + .seconds(10)
            while harness.sandbox.openWatchCount == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try harness.sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data["added"] = "1" }
            let changed = try await running.waitForOutput { output in
                output.split(separator: "\n").contains { $0.split(separator: " ").prefix(2) == ["eni-config", "3"] }
            }
            #expect(changed, "\(running.stdout)")
            running.terminate()
            let gone = ContinuousClock.now + .seconds(10)
            while harness.sandbox.openWatchCount > 0, ContinuousClock.now < gone {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(harness.sandbox.openWatchCount == 0, "killing kubectl ends its watch")
        }
    }

    @Test("delete removes the ConfigMap")
    func delete() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            let result = try await kubectl.run(["delete", "cm", "-n", "kube-system", "eni-config"])
            #expect(result.stdout.contains("configmap \"eni-config\" deleted"), "\(result.stderr)")
            #expect(harness.sandbox.configMap(namespace: "kube-system", name: "eni-config") == nil)
            let missing = try await kubectl.run(["get", "cm", "-n", "kube-system", "eni-config"])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("configmaps \"eni-config\" not found"))
        }
    }

    @Test("a rotated token turns kubectl away with Unauthorized")
    func rotatedToken() async throws {
        try await SandboxHarness.with(seed: Seeds.eniConfig) { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            harness.sandbox.rotateToken()
            let result = try await kubectl.run(["get", "cm", "-n", "kube-system", "eni-config"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("error: You must be logged in to the server"), "\(result.stderr)")
        }
    }

    @Test("plain http without credentials")
    func insecureHTTP() async throws {
        try await SandboxHarness.with(SandboxConfiguration(transport: .insecureHTTP), seed: Seeds.eniConfig) { harness in
            let kubectl = try Kubectl(for: harness.sandbox)
            #expect(!harness.sandbox.kubeconfigYAML().contains("token"))
            let result = try await kubectl.run(["get", "cm", "-n", "kube-system", "eni-config", "-o", "jsonpath={.data.eni_conf}"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == #"{"access_key": "not-a-real-key"}"#)
        }
    }
}

enum EventBodies {
    /// An Event the way the agent posts it: MicroTime with six fractional digits.
    static func applied(uid: String, name: String = "eni-config.applied") -> String {
        """
        {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"\(name)","namespace":"kube-system"},
         "eventTime":"2025-01-02T03:04:05.123456Z","reportingController":"eni-config-agent","reportingInstance":"node-1",
         "action":"Apply","reason":"Applied","type":"Normal","note":"applied 10-terway.conflist",
         "regarding":{"apiVersion":"v1","kind":"ConfigMap","namespace":"kube-system","name":"eni-config","uid":"\(uid)"},
         "related":{"apiVersion":"v1","kind":"Node","name":"node-1"}}
        """
    }
}
