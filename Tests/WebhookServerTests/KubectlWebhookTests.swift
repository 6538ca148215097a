import Foundation
import KubeAPI
import KubeSandbox
import Logging
import Testing
import TestSupport
import WebhookCertificates

/// The install's ValidatingWebhookConfiguration and Secret applied with the real kubectl, the
/// certificates issued by the webhook's own rotation, the webhook serving the Secret's pair, and
/// the sandbox calling it as the API server does: what an operator sees at `kubectl apply` and
/// `kubectl edit` time.
@Suite("kubectl against the sandbox with the webhook installed", .serialized, .timeLimit(.minutes(2)))
struct KubectlWebhookTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String {
        repository.appendingPathComponent(relative).path
    }

    /// A sandbox seeded with the portmap example, the webhook installed and serving.
    struct Installed {
        let sandbox: Sandbox
        let kubectl: Kubectl
        let webhook: RunningWebhook

        var eniConfig: [String: String]? {
            sandbox.configMap(namespace: "kube-system", name: "eni-config")?.data
        }

        static func start() async throws -> Installed {
            let sandbox = try Sandbox()
            try sandbox.seed(manifest: String(contentsOfFile: KubectlWebhookTests.path("examples/eni-config.yaml"), encoding: .utf8))
            try await sandbox.start()
            let kubectl = try Kubectl(kubeconfigYAML: sandbox.kubeconfigYAML())
            for file in ["secret.yaml", "validatingwebhookconfiguration.yaml"] {
                let applied = try await kubectl.run(["apply", "-f", KubectlWebhookTests.path("deploy/webhook/\(file)")])
                #expect(applied.status == 0, "\(applied.stderr)")
            }

            // The webhook's rotation fills the Secret and the caBundle, as in the pod.
            let client = KubeClient(connection: try ClusterConnection.fromKubeConfig(paths: [kubectl.kubeconfig], context: nil))
            try await CertificateRotation(client: client, configuration: .init(), logger: Logger(label: "rotation")).reconcile()
            try await client.shutdown()

            // What the kubelet does: the Secret's tls.crt and tls.key become files.
            let secret = try #require(sandbox.objectJSON(apiVersion: "v1", kind: "Secret", namespace: "kube-system", name: "eni-config-webhook-tls"))
            let data = (try JSONSerialization.jsonObject(with: secret) as? [String: Any])?["data"] as? [String: String] ?? [:]
            for key in ["tls.crt", "tls.key"] {
                try #require(Data(base64Encoded: data[key] ?? "")).write(to: kubectl.directory.appendingPathComponent(key))
            }
            let webhook = try await RunningWebhook.start(
                certificateFile: kubectl.directory.appendingPathComponent("tls.crt").path,
                privateKeyFile: kubectl.directory.appendingPathComponent("tls.key").path)
            let port = try #require(try await webhook.port())
            sandbox.routeService(namespace: "kube-system", name: "eni-config-webhook", to: "127.0.0.1", targetPort: port)
            return Installed(sandbox: sandbox, kubectl: kubectl, webhook: webhook)
        }

        func stop() async {
            await webhook.stop()
            await sandbox.shutdown()
        }
    }

    @Test("apply: a bad eni-config is refused with our diagnostics and nothing stored, also with --dry-run=server; a good one is stored; other ConfigMaps are untouched")
    func apply() async throws {
        let installed = try await Installed.start()
        let kubectl = installed.kubectl
        let seeded = try #require(installed.eniConfig)

        let refused = try await kubectl.run(["apply", "-f", Self.path("examples/eni-config-invalid.yaml")])
        #expect(refused.status != 0)
        // kubectl prints one cause on the line of its heading, several as `* …` lines below it.
        #expect(refused.stderr.contains(
            #"The ConfigMap "eni-config" is invalid: data[10-terway.conflist]: 7:37: plugins[0].capabilities.bandwidth: true here, false in 10-terway.conf"#),
            "\(refused.stderr)")
        #expect(!refused.stderr.contains("access_key"))
        #expect(installed.eniConfig == seeded)

        let preflight = try await kubectl.run(["apply", "--dry-run=server", "-f", Self.path("examples/eni-config-invalid.yaml")])
        #expect(preflight.status != 0)
        #expect(preflight.stderr.contains("data[10-terway.conflist]: 7:37: plugins[0].capabilities.bandwidth"), "\(preflight.stderr)")
        #expect(installed.sandbox.requestLog.contains { $0.method == "PATCH" && $0.query["dryRun"] == "All" && $0.status == 422 })
        #expect(installed.eniConfig == seeded)

        let goodPreflight = try await kubectl.run(["apply", "--dry-run=server", "-f", Self.path("examples/eni-config-tuning.yaml")])
        #expect(goodPreflight.status == 0, "\(goodPreflight.stderr)")
        #expect(installed.eniConfig == seeded, "a dry run stores nothing")

        let applied = try await kubectl.run(["apply", "-f", Self.path("examples/eni-config-tuning.yaml")])
        #expect(applied.stdout.contains("configmap/eni-config configured"), "\(applied.stderr)")
        #expect(installed.eniConfig?["10-terway.conflist"]?.contains("\"tuning\"") == true)

        // Not JSON at all, in kube-system: not ours, so never sent to the webhook (matchConditions).
        let other = try await kubectl.run(["create", "configmap", "coredns", "-n", "kube-system", "--from-literal=10-terway.conflist={not json"])
        #expect(other.stdout == "configmap/coredns created\n", "\(other.stderr)")
        #expect(other.stderr.isEmpty)
        #expect(installed.sandbox.configMap(namespace: "kube-system", name: "coredns")?.data == ["10-terway.conflist": "{not json"])
        await installed.stop()
    }

    @Test("edit: a bad edit reopens the editor with the diagnostics as comments, and nothing is stored")
    func edit() async throws {
        let installed = try await Installed.start()
        let kubectl = installed.kubectl
        let seeded = try #require(installed.eniConfig)
        let reopened = kubectl.directory.appendingPathComponent("reopened.yaml").path
        // First pass: bandwidth off in 10-terway.conf only (the keys come sorted, so its line is
        // first). Second pass, when kubectl reopens the file: keep what kubectl shows, change nothing.
        let editor = try kubectl.file("editor.sh", """
            #!/bin/sh
            if [ -e "\(reopened)" ]; then exit 0; fi
            if grep -q 'was not valid' "$1"; then cp "$1" "\(reopened)"; exit 0; fi
            sed -i '0,/"bandwidth": true/s//"bandwidth": false/' "$1"
            """, executable: true)
        let result = try await kubectl.run(["edit", "cm", "-n", "kube-system", "eni-config"], environment: ["KUBE_EDITOR": editor])
        #expect(result.status != 0)
        let shown = try String(contentsOfFile: reopened, encoding: .utf8)
        #expect(shown.contains(#"# configmaps "eni-config" was not valid:"#), "\(shown)")
        #expect(shown.contains("# * data[10-terway.conflist]: 7:37: plugins[0].capabilities.bandwidth: true here, false in 10-terway.conf"), "\(shown)")
        #expect(installed.eniConfig == seeded)
        await installed.stop()
    }

    @Test("delete is refused until the ConfigMap is annotated; then it goes")
    func delete() async throws {
        let installed = try await Installed.start()
        let kubectl = installed.kubectl
        let refused = try await kubectl.run(["delete", "cm", "-n", "kube-system", "eni-config"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("kubectl annotate configmap -n kube-system eni-config eni-config-agent/allow-delete=true"), "\(refused.stderr)")
        #expect(installed.eniConfig != nil)

        let annotated = try await kubectl.run(["annotate", "cm", "-n", "kube-system", "eni-config", "eni-config-agent/allow-delete=true"])
        #expect(annotated.status == 0, "\(annotated.stderr)")
        let deleted = try await kubectl.run(["delete", "cm", "-n", "kube-system", "eni-config"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stderr.contains("Warning: kube-system/eni-config deleted on purpose"), "\(deleted.stderr)")
        #expect(installed.eniConfig == nil)
        await installed.stop()
    }

    @Test("webhook down: eni-config edits fail (failurePolicy Fail), other ConfigMaps do not; deleting the configuration is the break glass")
    func breakGlass() async throws {
        let installed = try await Installed.start()
        let kubectl = installed.kubectl
        await installed.webhook.stop()

        let refused = try await kubectl.run(["apply", "-f", Self.path("examples/eni-config-tuning.yaml")])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(#"failed calling webhook "eni-config.validate.eni-config-agent""#), "\(refused.stderr)")
        let other = try await kubectl.run(["create", "configmap", "unrelated", "-n", "kube-system", "--from-literal=a=b"])
        #expect(other.status == 0, "\(other.stderr)")

        let removed = try await kubectl.run(["delete", "validatingwebhookconfiguration", "eni-config-agent"])
        #expect(removed.status == 0, "\(removed.stderr)")
        let applied = try await kubectl.run(["apply", "-f", Self.path("examples/eni-config-tuning.yaml")])
        #expect(applied.status == 0, "\(applied.stderr)")
        await installed.sandbox.shutdown()
    }
}
