import Foundation
import KubeAPI
import KubeSandbox
import Logging
import Testing
@testable import WebhookCertificates
import X509

/// The rotation against the sandbox, holding the install's own Secret and
/// ValidatingWebhookConfiguration (deploy/webhook).
@Suite("CertificateRotation against the sandbox", .serialized, .timeLimit(.minutes(1)))
struct CertificateRotationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let secretPath = "/api/v1/namespaces/kube-system/secrets/eni-config-webhook-tls"
    static let configurationPath = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/eni-config-agent"

    struct Cluster {
        let sandbox: Sandbox
        let kubeconfig: String

        func rotation(now: @escaping @Sendable () -> Date = { Date() }) throws -> (CertificateRotation, KubeClient) {
            let client = KubeClient(connection: try ClusterConnection.fromKubeConfig(paths: [kubeconfig], context: nil))
            return (CertificateRotation(client: client, configuration: .init(), logger: Logger(label: "test"), now: now), client)
        }

        /// The Secret's data, decoded.
        var secret: [String: Data] {
            let object = sandbox.objectJSON(apiVersion: "v1", kind: "Secret", namespace: "kube-system", name: "eni-config-webhook-tls")
            let json = object.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
            return (json["data"] as? [String: String] ?? [:]).compactMapValues { Data(base64Encoded: $0) }
        }

        var secretVersion: String? {
            let object = sandbox.objectJSON(apiVersion: "v1", kind: "Secret", namespace: "kube-system", name: "eni-config-webhook-tls")
            let json = object.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
            return (json["metadata"] as? [String: Any])?["resourceVersion"] as? String
        }

        /// The certificates of the webhook's caBundle.
        var caBundle: [Certificate] {
            let object = sandbox.objectJSON(
                apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", namespace: nil, name: "eni-config-agent")
            let json = object.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
            let webhook = (json["webhooks"] as? [[String: Any]])?.first
            let bundle = (webhook?["clientConfig"] as? [String: Any])?["caBundle"] as? String
            return RotationPolicy.certificates(inBundle: bundle.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
    }

    static func withCluster(seedInstall: Bool = true, _ body: (Cluster) async throws -> Void) async throws {
        let sandbox = try Sandbox()
        if seedInstall {
            for file in ["secret.yaml", "validatingwebhookconfiguration.yaml"] {
                try sandbox.seed(manifest: String(contentsOf: repository.appendingPathComponent("deploy/webhook/\(file)"), encoding: .utf8))
            }
        }
        try await sandbox.start()
        let kubeconfig = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-\(UUID().uuidString).kubeconfig").path
        try sandbox.writeKubeconfig(to: kubeconfig)
        defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
        do {
            try await body(Cluster(sandbox: sandbox, kubeconfig: kubeconfig))
        } catch {
            await sandbox.shutdown()
            throw error
        }
        await sandbox.shutdown()
    }

    @Test("the first check fills the empty Secret and the caBundle; the next changes nothing; only the two objects are touched")
    func firstInstall() async throws {
        try await Self.withCluster { cluster in
            let (rotation, client) = try cluster.rotation()
            let first = try await rotation.reconcile()
            #expect(first == .init(issued: "the Secret holds no CA with its key", caBundleUpdated: true))
            let secret = cluster.secret
            #expect(secret.keys.sorted() == ["ca.crt", "ca.key", "tls.crt", "tls.key"])
            let authority = try Certificate(pemEncoded: String(decoding: try #require(secret["ca.crt"]), as: UTF8.self))
            #expect(cluster.caBundle == [authority])
            let serving = try Certificate(pemEncoded: String(decoding: try #require(secret["tls.crt"]), as: UTF8.self))
            #expect(authority.publicKey.isValidSignature(serving.signature, for: serving))
            #expect(try serving.extensions.subjectAlternativeNames.map(Array.init) == [
                .dnsName("eni-config-webhook.kube-system.svc"), .dnsName("eni-config-webhook.kube-system.svc.cluster.local"),
            ])

            let version = cluster.secretVersion
            #expect(try await rotation.reconcile() == .init(issued: nil, caBundleUpdated: false))
            #expect(cluster.secretVersion == version)
            let touched = Set(cluster.sandbox.requestLog.map { "\($0.method) \($0.path)" })
            #expect(touched == ["GET \(Self.secretPath)", "PATCH \(Self.secretPath)", "GET \(Self.configurationPath)", "PATCH \(Self.configurationPath)"])
            try await client.shutdown()
        }
    }

    @Test("a conflict on the caBundle after the Secret was filled: the retry keeps the new CA, and the outcome still says it was issued")
    func conflictAfterIssuing() async throws {
        try await Self.withCluster { cluster in
            let configurationPath = Self.configurationPath
            cluster.sandbox.failNextRequests(1, status: 409, matching: RequestMatcher { $0.method == "PATCH" && $0.path == configurationPath })
            let (rotation, client) = try cluster.rotation()
            let outcome = try await rotation.reconcile()
            #expect(outcome == .init(issued: "the Secret holds no CA with its key", caBundleUpdated: true))
            let authority = try Certificate(pemEncoded: String(decoding: try #require(cluster.secret["ca.crt"]), as: UTF8.self))
            #expect(cluster.caBundle == [authority])
            try await client.shutdown()
        }
    }

    @Test("two replicas at once: one CA wins, both end with it")
    func race() async throws {
        try await Self.withCluster { cluster in
            let (one, firstClient) = try cluster.rotation()
            let (two, secondClient) = try cluster.rotation()
            async let first = one.reconcile()
            async let second = two.reconcile()
            let outcomes = try await [first, second]
            #expect(outcomes.filter { $0.issued != nil }.count >= 1)
            let authority = try Certificate(pemEncoded: String(decoding: try #require(cluster.secret["ca.crt"]), as: UTF8.self))
            #expect(cluster.caBundle == [authority])
            #expect(try await one.reconcile() == .init(issued: nil, caBundleUpdated: false))
            #expect(try await two.reconcile() == .init(issued: nil, caBundleUpdated: false))
            try await firstClient.shutdown()
            try await secondClient.shutdown()
        }
    }

    @Test("renewal: a serving certificate near its end is reissued by the same CA, and the caBundle stays")
    func renewal() async throws {
        try await Self.withCluster { cluster in
            let (rotation, client) = try cluster.rotation()
            try await rotation.reconcile()
            let before = cluster.secret
            let (later, laterClient) = try cluster.rotation(now: { Date() + 340 * 86_400 })
            let outcome = try await later.reconcile()
            #expect(outcome.issued?.hasPrefix("the serving certificate expires") == true)
            #expect(outcome.caBundleUpdated == false)
            #expect(cluster.secret["ca.crt"] == before["ca.crt"])
            #expect(cluster.secret["tls.crt"] != before["tls.crt"])
            try await client.shutdown()
            try await laterClient.shutdown()
        }
    }

    @Test("a Secret emptied by hand gets a new CA, and the caBundle trusts the old one too for the overlap")
    func emptiedSecret() async throws {
        try await Self.withCluster { cluster in
            let (rotation, client) = try cluster.rotation()
            try await rotation.reconcile()
            let old = try #require(cluster.caBundle.first)
            try cluster.sandbox.seed(manifest: String(
                contentsOf: Self.repository.appendingPathComponent("deploy/webhook/secret.yaml"), encoding: .utf8))
            #expect(cluster.secret.isEmpty)
            let outcome = try await rotation.reconcile()
            #expect(outcome == .init(issued: "the Secret holds no CA with its key", caBundleUpdated: true))
            let new = try Certificate(pemEncoded: String(decoding: try #require(cluster.secret["ca.crt"]), as: UTF8.self))
            #expect(new != old)
            #expect(cluster.caBundle == [new, old])
            try await client.shutdown()
        }
    }

    @Test("without the install's objects the check fails with 404, and nothing is created")
    func missingObjects() async throws {
        try await Self.withCluster(seedInstall: false) { cluster in
            let (rotation, client) = try cluster.rotation()
            await #expect(throws: KubeAPIError.self) { try await rotation.reconcile() }
            #expect(cluster.sandbox.requestLog.map(\.status) == [404])
            try await client.shutdown()
        }
    }
}
