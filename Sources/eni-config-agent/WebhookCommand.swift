import Admission
import Agent
import ArgumentParser
import CommandLineSupport
import FoundationEssentials
import KubeAPI
import Logging
import ServiceLifecycle
import WebhookCertificates
import WebhookServer

struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Serve the validating admission webhook: a bad eni-config is refused before it is stored.",
        discussion: """
            Answers admission.k8s.io/v1 AdmissionReviews over HTTPS (TLS 1.2 or later) on --path. CREATE and UPDATE \
            of the ConfigMap get the same node-independent validation as `validate`; a DELETE is refused unless the \
            ConfigMap is annotated \(AdmissionPolicy.deletionAnnotation)=true; anything else is allowed untouched. \
            The certificate files are re-read when they change. With --certificate-secret it also keeps the CA and \
            the serving pair in that Secret and the CA in the ValidatingWebhookConfiguration's caBundle (docs/webhook.md).
            """)

    @Option(help: ArgumentHelp("Address to serve HTTPS on.", valueName: "host:port"))
    var listen = "0.0.0.0:10291"

    @Option(help: ArgumentHelp("The serving certificate (chain), PEM.", valueName: "path"))
    var tlsCertFile: String

    @Option(help: ArgumentHelp("Its private key, PEM.", valueName: "path"))
    var tlsPrivateKeyFile: String

    @Option(help: ArgumentHelp("The path AdmissionReviews are posted to.", valueName: "path"))
    var path = WebhookConfiguration.defaultReviewPath

    @Option(help: "The guarded ConfigMap's namespace.")
    var namespace = "kube-system"

    @Option(help: "The guarded ConfigMap's name.")
    var configmapName = "eni-config"

    @Option(help: ArgumentHelp("Keep the CA and serving certificate in this Secret (in --namespace) and rotate them.", valueName: "name"))
    var certificateSecret: String?

    @Option(help: ArgumentHelp("The Service the serving certificate names (with --certificate-secret).", valueName: "name"))
    var serviceName = "eni-config-webhook"

    @Option(help: ArgumentHelp("The ValidatingWebhookConfiguration whose caBundle is kept (with --certificate-secret).", valueName: "name"))
    var webhookConfigurationName = "eni-config-agent"

    @Option(help: ArgumentHelp("A kubeconfig file for --certificate-secret (default: $KUBECONFIG, else in-cluster).", valueName: "path"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("The kubeconfig context (default: its current-context).", valueName: "name"))
    var context: String?

    @Option(help: "Log lines as text or json.")
    var logFormat: LogFormat = .text

    func validate() throws {
        _ = try ListenAddress(listen)
        guard path.hasPrefix("/") else { throw ValidationError("--path \(path): must start with /") }
    }

    func run() async throws {
        logFormat.bootstrap()
        let logger = Logger(label: "eni-config-agent.webhook")
        let address = try ListenAddress(listen)
        let server = WebhookServer(
            configuration: WebhookConfiguration(
                host: address.host, port: address.port, certificateFile: tlsCertFile, privateKeyFile: tlsPrivateKeyFile,
                reviewPath: path, target: ConfigMapTarget(namespace: namespace, name: configmapName)),
            logger: logger)
        guard let certificateSecret else {
            try await server.run()
            return
        }
        let connection: ClusterConnection
        do {
            connection = try ClusterConnection.resolve(kubeconfig: kubeconfig, context: context, environment: ProcessInfo.processInfo.environment)
        } catch {
            Console.error("error: --certificate-secret needs the API server: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
        let client = KubeClient(connection: connection)
        let rotation = CertificateRotation(
            client: client,
            configuration: CertificateRotationConfiguration(
                namespace: namespace, secretName: certificateSecret, serviceName: serviceName,
                webhookConfigurationName: webhookConfigurationName),
            logger: logger)
        do {
            try await server.run(alongside: [rotation])
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
