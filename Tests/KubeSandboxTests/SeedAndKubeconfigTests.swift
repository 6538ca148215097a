import Foundation
import KubeSandbox
import Testing
import TestSupport

@Suite("seeding and kubeconfig")
struct SeedAndKubeconfigTests {
    @Test("seeds every ConfigMap of a multi-document YAML, a List and JSON")
    func seedFormats() throws {
        let sandbox = try Sandbox()
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: first}
            data:
              mode: "yes"
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: second, namespace: kube-system, labels: {app: x}}
              data: {stamp: 2024-01-01T00:00:00Z}
            """
        let seeded = try sandbox.seed(manifest: yaml)
        #expect(seeded.map(\.name) == ["first", "second"])
        #expect(sandbox.configMap(namespace: "default", name: "first")?.data == ["mode": "yes"])
        let second = sandbox.configMap(namespace: "kube-system", name: "second")
        #expect(second?.labels == ["app": "x"])
        #expect(second?.data == ["stamp": "2024-01-01T00:00:00Z"], "an unquoted timestamp stays the text written")
        #expect(sandbox.resourceVersion == "2")

        try sandbox.seed(manifest: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"first"},"data":{"mode":"no"}}"#)
        #expect(sandbox.configMap(namespace: "default", name: "first")?.data == ["mode": "no"], "seeding again updates")
    }

    @Test("refuses kinds it does not serve, and data the apiserver would refuse")
    func seedErrors() throws {
        let sandbox = try Sandbox()
        #expect(throws: SandboxError.invalidManifest(
            "object 1 is apps/v1 Deployment; the sandbox serves v1 ConfigMap, v1 Secret, v1 Event, events.k8s.io/v1 Event, "
                + "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration")) {
            try sandbox.seed(manifest: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: s}\n")
        }
        do {
            try sandbox.seed(manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\ndata: {port: 8080}\n")
            Issue.record("a number in data was accepted")
        } catch let SandboxError.status(code, _, message) {
            #expect(code == 400)
            #expect(message.contains("ConfigMap.data of type string"))
        }
        #expect(throws: SandboxError.self) { try sandbox.seed(manifest: "a: [unclosed") }
    }

    @Test("the direct API applies, updates conditionally and deletes")
    func directAPI() throws {
        let sandbox = try Sandbox()
        let created = try sandbox.apply(SandboxConfigMap(namespace: "ns", name: "cm", data: ["a": "1"]))
        #expect(created.resourceVersion == "1")
        #expect(created.uid != nil)
        var stale = created
        try sandbox.updateConfigMap(namespace: "ns", name: "cm") { $0.data["a"] = "2" }
        stale.data["a"] = "3"
        #expect(throws: SandboxError.self) { try sandbox.apply(stale) }
        #expect(sandbox.configMap(namespace: "ns", name: "cm")?.data == ["a": "2"])
        try sandbox.deleteConfigMap(namespace: "ns", name: "cm")
        #expect(sandbox.configMap(namespace: "ns", name: "cm") == nil)
        #expect(throws: SandboxError.status(code: 404, reason: "NotFound", message: #"configmaps "cm" not found"#)) {
            try sandbox.deleteConfigMap(namespace: "ns", name: "cm")
        }
    }

    @Test("kubeconfig: https with CA data and token, or a tokenFile; http without a user")
    func kubeconfig() async throws {
        let sandbox = try Sandbox(configuration: SandboxConfiguration(transport: .https(token: "t0k3n")))
        try await sandbox.start()
        let yaml = sandbox.kubeconfigYAML()
        #expect(yaml.contains("server: \"https://127.0.0.1:\(sandbox.port!)\""))
        #expect(yaml.contains("token: \"t0k3n\""))
        let caData = try #require(yaml.split(separator: "\n").first { $0.contains("certificate-authority-data:") })
        let pem = Data(base64Encoded: String(caData.split(separator: " ").last!)).map { String(decoding: $0, as: UTF8.self) }
        #expect(pem == sandbox.certificateAuthorityPEM)
        #expect(pem?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
        #expect(sandbox.kubeconfigYAML(tokenFile: "/run/token").contains("tokenFile: \"/run/token\""))
        #expect(!sandbox.kubeconfigYAML(tokenFile: "/run/token").contains("t0k3n"))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
        try sandbox.writeKubeconfig(to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "the kubeconfig holds a token")
        try FileManager.default.removeItem(atPath: path)
        await sandbox.shutdown()

        let plain = try Sandbox(configuration: SandboxConfiguration(transport: .insecureHTTP))
        try await plain.start()
        #expect(plain.kubeconfigYAML().contains("server: \"http://127.0.0.1:"))
        #expect(!plain.kubeconfigYAML().contains("certificate-authority-data"))
        #expect(plain.token == nil)
        #expect(plain.rotateToken() == nil, "nothing to rotate without authentication")
        await plain.shutdown()
    }

    @Test("run serves until cancelled, with the seed and the kubeconfig written")
    func runEntryPoint() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let seed = directory.appendingPathComponent("seed.yaml").path
        try Seeds.eniConfig.write(toFile: seed, atomically: true, encoding: .utf8)
        let kubeconfig = directory.appendingPathComponent("kubeconfig").path

        let (ready, readyContinuation) = AsyncStream.makeStream(of: Sandbox.self)
        let serving = Task {
            try await Sandbox.run(configuration: SandboxConfiguration(), seedPath: seed, kubeconfigOut: kubeconfig) { sandbox in
                readyContinuation.yield(sandbox)
            }
        }
        var iterator = ready.makeAsyncIterator()
        let sandbox = try #require(await iterator.next())
        #expect(sandbox.configMap(namespace: "kube-system", name: "eni-config") != nil)
        #expect(FileManager.default.fileExists(atPath: kubeconfig))
        let kubectl = try Kubectl(for: sandbox, kubeconfigYAML: try String(contentsOfFile: kubeconfig, encoding: .utf8))
        let result = try await kubectl.run(["get", "cm", "-n", "kube-system", "eni-config", "-o", "name"])
        #expect(result.stdout == "configmap/eni-config\n", "\(result.stderr)")

        serving.cancel()
        try await serving.value
        #expect(sandbox.endpoint != nil)
        let refused = try await kubectl.run(["get", "cm", "-n", "kube-system", "--request-timeout=2s"])
        #expect(refused.status != 0, "the server is gone after cancellation")
    }
}
