import Admission
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnixSignals

/// How the webhook listens and what it guards.
public struct WebhookConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    public var certificateFile: String
    public var privateKeyFile: String
    /// The path the ValidatingWebhookConfiguration's clientConfig names.
    public var reviewPath: String
    public var target: ConfigMapTarget
    /// How often the certificate files are re-read.
    public var reloadInterval: Duration
    /// An UPDATE review carries the object twice; a ConfigMap holds at most 1 MiB of data and
    /// etcd takes objects up to 1.5 MiB, which JSON escaping can roughly double. Larger bodies
    /// get 413 before anything is decoded.
    public var maximumBodyBytes: Int

    public static let defaultReviewPath = "/validate-eni-config"
    public static let defaultMaximumBodyBytes = 8 * 1024 * 1024

    public init(
        host: String = "0.0.0.0", port: Int = 10291, certificateFile: String, privateKeyFile: String,
        reviewPath: String = defaultReviewPath, target: ConfigMapTarget = ConfigMapTarget(),
        reloadInterval: Duration = .seconds(10), maximumBodyBytes: Int = defaultMaximumBodyBytes
    ) {
        self.host = host
        self.port = port
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.reviewPath = reviewPath
        self.target = target
        self.reloadInterval = reloadInterval
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// `eni-config-agent webhook`: AdmissionReviews over HTTPS (TLS 1.2 or later) with the
/// certificate files re-read as they change, plus any services run beside it (the
/// certificate rotation), until SIGTERM.
public final class WebhookServer: Sendable {
    public let configuration: WebhookConfiguration
    private let logger: Logger
    private let boundPort = Mutex<Int?>(nil)
    private let running = Mutex<ServiceGroup?>(nil)

    public init(configuration: WebhookConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The port it listens on, once it does.
    public var listeningPort: Int? { boundPort.withLock { $0 } }

    /// Stops as SIGTERM does.
    public func stop() async {
        await running.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Waits for the certificate files, then serves until `stop()`, a signal or cancellation.
    /// - Parameter alongside: services to run in the same group, such as the certificate
    ///   rotation, which starts before the files exist (it is what fills them).
    public func run(alongside: [any Service] = [], gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let serving = ServiceGroupConfiguration.ServiceConfiguration(
            service: Serving(server: self), successTerminationBehavior: .gracefullyShutdownGroup)
        let group = ServiceGroup(configuration: .init(
            services: [serving] + alongside.map { .init(service: $0) }, gracefulShutdownSignals: gracefulShutdownSignals, logger: logger))
        running.withLock { $0 = group }
        try await group.run()
    }

    /// Waiting for the files, then the HTTPS server and the certificate reloader.
    private struct Serving: Service {
        let server: WebhookServer

        func run() async throws {
            let configuration = server.configuration
            let initial: ServingCertificate
            do {
                initial = try await cancelWhenGracefulShutdown {
                    try await CertificateReloader.waitForFiles(
                        certificateFile: configuration.certificateFile, privateKeyFile: configuration.privateKeyFile,
                        interval: min(configuration.reloadInterval, .seconds(2)), logger: server.logger)
                }
            } catch is CancellationError {
                return
            }
            let reloader = CertificateReloader(
                initial: initial, certificateFile: configuration.certificateFile, privateKeyFile: configuration.privateKeyFile,
                interval: configuration.reloadInterval, logger: server.logger)
            let app = try server.application(initial, reloader: reloader)
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await app.run() }
                group.addTask { try await reloader.run() }
            }
        }
    }

    private func application(_ initial: ServingCertificate, reloader: CertificateReloader) throws -> some Service {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: initial.chain.map { .certificate($0) }, privateKey: .privateKey(initial.privateKey))
        tls.minimumTLSVersion = .tlsv12
        tls.sslContextCallback = reloader.contextCallback
        let reviewer = AdmissionReviewer(policy: AdmissionPolicy(target: configuration.target))
        return Application(
            router: WebhookEndpoints.router(reviewer: reviewer, configuration: configuration, logger: logger),
            // A connection silent this long is closed; longer than the 90 s the API server's Go
            // client keeps an idle connection, so the server never races it to a close.
            server: try .tls(.http1(configuration: .init(idleTimeout: .seconds(120))), tlsConfiguration: tls),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { [self, logger, configuration] channel in
                let port = channel.localAddress?.port
                boundPort.withLock { $0 = port }
                logger.notice("eni-config-agent webhook serving", metadata: [
                    "address": "\(configuration.host):\(port.map(String.init) ?? "?")", "path": "\(configuration.reviewPath)",
                    "configmap": "\(configuration.target)", "certificateNotAfter": "\(initial.notValidAfter.formatted(.iso8601))",
                ])
            },
            logger: logger)
    }
}
