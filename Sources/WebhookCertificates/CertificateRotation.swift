import FoundationEssentials
import KubeAPI
import Logging
import ServiceLifecycle
import X509

/// Where the webhook's certificates live and who must trust them.
public struct CertificateRotationConfiguration: Sendable {
    /// The namespace of the Secret and the Service.
    public var namespace: String
    /// The Secret the install creates empty; the webhook's pods mount it.
    public var secretName: String
    /// The Service in front of the webhook: the serving certificate names it.
    public var serviceName: String
    /// The ValidatingWebhookConfiguration whose `caBundle` is kept current.
    public var webhookConfigurationName: String
    /// How often the certificates are checked when all is well.
    public var checkInterval: Duration
    /// How soon a failed check is tried again.
    public var retryInterval: Duration

    public init(
        namespace: String = "kube-system", secretName: String = "eni-config-webhook-tls",
        serviceName: String = "eni-config-webhook", webhookConfigurationName: String = "eni-config-agent",
        checkInterval: Duration = .seconds(600), retryInterval: Duration = .seconds(10)
    ) {
        self.namespace = namespace
        self.secretName = secretName
        self.serviceName = serviceName
        self.webhookConfigurationName = webhookConfigurationName
        self.checkInterval = checkInterval
        self.retryInterval = retryInterval
    }

    var secretPath: String { "/api/v1/namespaces/\(namespace)/secrets/\(secretName)" }
    var webhookConfigurationPath: String {
        "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/\(webhookConfigurationName)"
    }
}

/// Keeps one CA and the serving pair it signs in one Secret, and that CA in the webhook
/// configuration's `caBundle`, with no cert-manager (the scheme of open-policy-agent's
/// cert-controller). Every replica runs it: writes are conditional on the version read, so
/// when two race, one wins and the other reads the winner's certificates on its retry.
///
/// Needs `get` and `patch` on exactly the one Secret and the one ValidatingWebhookConfiguration
/// (RBAC `resourceNames`); both objects come with the install, so nothing needs `create`.
public final class CertificateRotation: Service, Sendable {
    public let configuration: CertificateRotationConfiguration
    private let client: KubeClient
    private let logger: Logger
    private let policy: RotationPolicy
    private let now: @Sendable () -> Date

    public init(
        client: KubeClient, configuration: CertificateRotationConfiguration, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        self.now = now
        policy = RotationPolicy(dnsNames: RotationPolicy.dnsNames(service: configuration.serviceName, namespace: configuration.namespace))
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var wait = self.configuration.checkInterval
                do {
                    try await self.reconcile()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.warning("cannot check the webhook certificates; trying again", metadata: [
                        "reason": "\(self.explain(error))", "retryIn": "\(self.configuration.retryInterval)",
                    ])
                    wait = self.configuration.retryInterval
                }
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    return
                }
            }
        }
    }

    /// What one check changed.
    public struct Outcome: Sendable, Equatable {
        /// Why certificates were issued, nil when the stored ones were kept.
        public var issued: String?
        public var caBundleUpdated: Bool
    }

    /// One check: the Secret's certificates, then the `caBundle`. A write that loses a race is
    /// retried on what the winner stored.
    @discardableResult
    public func reconcile() async throws -> Outcome {
        var attempt = 0
        // A certificate issued before a conflict on the caBundle stays issued: the retry that
        // follows finds it in the Secret and keeps it, and the outcome must still report it.
        var issuedEarlier: String?
        while true {
            attempt += 1
            do {
                let (authority, issued) = try await ensureCertificates()
                issuedEarlier = issued ?? issuedEarlier
                let updated = try await ensureCABundle(trusting: authority)
                return Outcome(issued: issuedEarlier, caBundleUpdated: updated)
            } catch let error as KubeAPIError where error.statusCode == 409 && attempt < 5 {
                logger.debug("lost a race to another replica; reading again")
            }
        }
    }

    // MARK: The Secret

    private struct SecretObject: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        var metadata: Metadata?
        var data: [String: String]?
    }

    private struct SecretPatch: Encodable {
        struct Metadata: Encodable { var resourceVersion: String }
        var metadata: Metadata
        var data: [String: String]
    }

    private func ensureCertificates() async throws -> (Certificate, issued: String?) {
        let secret = try JSONDecoder().decode(SecretObject.self, from: Data(try await client.get(configuration.secretPath)))
        let data = (secret.data ?? [:]).compactMapValues { Data(base64Encoded: $0).map { Array($0) } }
        let stored = StoredCertificates(secretData: data)
        let decision = policy.decide(stored, now: now())
        let certificates = try policy.apply(decision, to: stored, now: now())
        let reason: String
        switch decision {
        case .keep:
            return (certificates.authority.certificate, nil)
        case .issueServing(let why), .replaceAuthority(let why):
            reason = why
        }
        let patch = SecretPatch(
            metadata: .init(resourceVersion: secret.metadata?.resourceVersion ?? ""),
            data: try certificates.secretData().mapValues { Data($0.utf8).base64EncodedString() })
        try await client.patch(configuration.secretPath, Array(try JSONEncoder().encode(patch)), type: .merge)
        let what = if case .replaceAuthority = decision { "issued a new webhook CA and serving certificate" } else { "issued a new serving certificate" }
        logger.notice("\(what)", metadata: [
            "reason": "\(reason)", "secret": "\(configuration.namespace)/\(configuration.secretName)",
            "notAfter": "\(certificates.serving.certificate.notValidAfter.formatted(.iso8601))",
        ])
        return (certificates.authority.certificate, reason)
    }

    // MARK: The caBundle

    private struct WebhookConfigurationObject: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        struct Webhook: Decodable {
            struct ClientConfig: Decodable { var caBundle: String? }
            var clientConfig: ClientConfig?
        }
        var metadata: Metadata?
        var webhooks: [Webhook]?
    }

    private struct PatchOperation: Encodable {
        let op = "add"
        var path: String
        var value: String
    }

    private func ensureCABundle(trusting authority: Certificate) async throws -> Bool {
        let path = configuration.webhookConfigurationPath
        let object = try JSONDecoder().decode(WebhookConfigurationObject.self, from: Data(try await client.get(path)))
        let webhooks = object.webhooks ?? []
        let trusted = webhooks.flatMap { webhook -> [Certificate] in
            let pem = webhook.clientConfig?.caBundle.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            return RotationPolicy.certificates(inBundle: pem)
        }
        let bundle = policy.caBundle(authority: authority, trusted: trusted, now: now())
        let encoded = Data(try RotationPolicy.bundlePEM(bundle).utf8).base64EncodedString()
        let stale = webhooks.indices.filter { webhooks[$0].clientConfig?.caBundle != encoded }
        guard !stale.isEmpty else { return false }
        let operations = [PatchOperation(path: "/metadata/resourceVersion", value: object.metadata?.resourceVersion ?? "")]
            + stale.map { PatchOperation(path: "/webhooks/\($0)/clientConfig/caBundle", value: encoded) }
        try await client.patch(path, Array(try JSONEncoder().encode(operations)), type: .json)
        logger.notice("updated the caBundle", metadata: [
            "validatingWebhookConfiguration": "\(configuration.webhookConfigurationName)", "certificates": "\(bundle.count)",
        ])
        return true
    }

    /// The failure in the operator's terms: which object, and what to check.
    private func explain(_ error: any Error) -> String {
        guard let failure = error as? KubeAPIError, case .status(let http) = failure else { return "\(error)" }
        let message = http.status?.message ?? "HTTP \(http.code)"
        switch http.code {
        case 404:
            return "\(http.request): \(message); the install creates Secret \(configuration.namespace)/\(configuration.secretName) "
                + "and ValidatingWebhookConfiguration \(configuration.webhookConfigurationName): apply deploy/webhook again"
        case 403:
            return "\(http.request): \(message); the webhook's RBAC needs get and patch on exactly those two objects"
        default:
            return "\(http.request): HTTP \(http.code): \(message)"
        }
    }
}
