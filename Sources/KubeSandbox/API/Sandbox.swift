import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import ServiceLifecycle
import Synchronization

/// An in-memory Kubernetes API server for tests, benchmarks, the demo and `kubectl`: ConfigMaps,
/// Secrets and Events in any namespace and ValidatingWebhookConfigurations, with list/watch
/// semantics of a real apiserver, validating admission webhooks called over HTTPS, HTTPS with a
/// generated CA and a bearer token, and knobs to inject faults.
///
/// ```swift
/// let sandbox = try Sandbox()
/// try sandbox.seed(manifest: yaml)
/// let endpoint = try await sandbox.start()
/// try sandbox.kubeconfigYAML().write(toFile: path, atomically: true, encoding: .utf8)
/// ...
/// await sandbox.shutdown()
/// ```
public final class Sandbox: Sendable {
    public let configuration: SandboxConfiguration
    let store: ObjectStore
    let controls: SandboxControls
    let catalog = ResourceCatalog()
    let subresources: Subresources
    /// The DaemonSet controller and kubelets, while `startWorkloads` has them running.
    let workloads = Mutex<WorkloadController?>(nil)
    private let webhookTransport = WebhookTransport()
    private let certificateAuthority: SandboxCertificateAuthority?
    private let server = Mutex(ServerState())

    private struct ServerState {
        var task: Task<Void, any Error>?
        var services: ServiceGroup?
        var port: Int?
    }

    /// How long shutdown waits for open requests before cutting them off.
    private static let gracePeriod = Duration.seconds(5)

    public init(configuration: SandboxConfiguration = SandboxConfiguration()) throws {
        if case .https(let token) = configuration.transport, token.isEmpty {
            throw SandboxError.invalidConfiguration("an https sandbox needs a non-empty bearer token")
        }
        self.configuration = configuration
        store = ObjectStore(historyLimit: configuration.historyLimit)
        controls = SandboxControls(token: configuration.token)
        subresources = Subresources(store: store)
        certificateAuthority = configuration.token == nil ? nil : try SandboxCertificateAuthority(host: configuration.host)
    }

    // MARK: Serving

    /// Binds and starts serving; returns the base URL (`https://127.0.0.1:<port>`).
    @discardableResult
    public func start() async throws -> URL {
        if let endpoint, server.withLock({ $0.task != nil }) { return endpoint }
        let router = SandboxRouter(
            store: store, controls: controls, catalog: catalog, subresources: subresources,
            webhooks: AdmissionWebhooks(store: store, transport: webhookTransport),
            watchLimits: .init(bookmarkInterval: configuration.bookmarkInterval, timeoutCap: configuration.watchTimeoutCap),
            serverAddress: { [weak self] in self.map { "\($0.clientHost):\($0.port ?? 0)" } ?? "" })
        let tlsConfiguration = try certificateAuthority?.serverTLSConfiguration()
        var logger = Logger(label: "kube-sandbox")
        logger.logLevel = .warning
        let started = StartSignal()
        let application = Application(
            router: router.build(),
            server: try tlsConfiguration.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            // A restart binds the port of the previous start, so clients find the server again.
            configuration: .init(address: .hostname(configuration.host, port: port ?? configuration.port)),
            onServerRunning: { channel in started.succeed(port: channel.localAddress?.port ?? 0) },
            logger: logger)
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let task = Task {
            do {
                try await services.run()
            } catch {
                started.fail(error)
                throw error
            }
        }
        let port = try await started.port()
        server.withLock {
            $0.task = task
            $0.services = services
            $0.port = port
        }
        return endpoint!
    }

    /// Ends every watch, stops listening, lets requests in flight finish (at most a few
    /// seconds) and waits for the server to stop.
    public func shutdown() async {
        let (task, services) = server.withLock { state in
            defer { (state.task, state.services) = (nil, nil) }
            return (state.task, state.services)
        }
        guard let task, let services else { return }
        store.endAllWatches()
        await services.triggerGracefulShutdown()
        let deadline = Task {
            try await Task.sleep(for: Self.gracePeriod)
            task.cancel()
        }
        _ = await task.result
        deadline.cancel()
        await webhookTransport.shutdown()
    }

    /// Starts a sandbox, optionally seeded from a manifest file and writing its kubeconfig
    /// (mode 0600: it holds the token), then serves until the calling task is cancelled.
    /// The entry point of `eni-config-dev sandbox`.
    public static func run(
        configuration: SandboxConfiguration,
        seedPath: String? = nil,
        kubeconfigOut: String? = nil,
        onReady: @Sendable (Sandbox) async -> Void = { _ in }
    ) async throws {
        let sandbox = try Sandbox(configuration: configuration)
        if let seedPath {
            let manifest: String
            do {
                manifest = try String(contentsOfFile: seedPath, encoding: .utf8)
            } catch {
                throw SandboxError.invalidManifest("cannot read \(seedPath): \(error.localizedDescription)")
            }
            try sandbox.seed(manifest: manifest)
        }
        try await sandbox.start()
        if let kubeconfigOut {
            try sandbox.writeKubeconfig(to: kubeconfigOut)
        }
        await onReady(sandbox)
        let task = sandbox.server.withLock { $0.task }
        let outcome = await withTaskCancellationHandler {
            await task?.result
        } onCancel: {
            Task { await sandbox.shutdown() }
        }
        await sandbox.shutdown()
        // A server that stopped by itself (not through cancellation) failed: say why.
        if !Task.isCancelled, case .failure(let error) = outcome { throw error }
    }

    /// The bound port, once started.
    public var port: Int? {
        server.withLock { $0.port }
    }

    /// The base URL clients use, once started.
    public var endpoint: URL? {
        port.map { URL(string: "\(certificateAuthority == nil ? "http" : "https")://\(clientHost):\($0)")! }
    }

    /// The address clients dial: the bind host, or loopback when bound to every interface.
    private var clientHost: String {
        ["0.0.0.0", "::", ""].contains(configuration.host) ? "127.0.0.1" : configuration.host
    }

    // MARK: Credentials

    /// The generated CA certificate (PEM) that signs the serving certificate; nil over plain HTTP.
    public var certificateAuthorityPEM: String? {
        certificateAuthority?.certificatePEM
    }

    /// The bearer token currently accepted; nil over plain HTTP.
    public var token: String? {
        controls.token
    }

    /// Replaces the accepted token and returns it; requests with the old one get 401 from now
    /// on. Over plain HTTP there is no token to rotate: returns nil.
    @discardableResult
    public func rotateToken() -> String? {
        guard controls.token != nil else { return nil }
        let token = SandboxConfiguration.randomToken()
        controls.token = token
        return token
    }

    /// A kubeconfig for this sandbox: server, `certificate-authority-data` and the token, or
    /// `tokenFile` when given (so a test can rotate the token by rewriting that file).
    public func kubeconfigYAML(tokenFile: String? = nil) -> String {
        Kubeconfig(
            server: endpoint?.absoluteString ?? "",
            certificateAuthorityPEM: certificateAuthorityPEM,
            token: controls.token,
            tokenFile: controls.token == nil ? nil : tokenFile
        ).yaml
    }

    public func writeKubeconfig(to path: String, tokenFile: String? = nil) throws {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(
            atPath: temporary, contents: Data(kubeconfigYAML(tokenFile: tokenFile).utf8),
            attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
        }
    }

    // MARK: Admission webhooks

    /// Stands in for a Service's endpoints: webhook calls to Service `namespace/name` on `port`
    /// go to `host:targetPort`, still addressed (TLS server name and certificate check) as
    /// `<name>.<namespace>.svc`, as the API server addresses them.
    public func routeService(namespace: String, name: String, port: Int = 443, to host: String, targetPort: Int) {
        webhookTransport.route(namespace: namespace, name: name, port: port, to: host, targetPort: targetPort)
    }

    // MARK: Fault injection

    /// Ends every open watch stream cleanly, as an apiserver restart does.
    public func dropAllWatches() {
        store.endAllWatches()
    }

    /// Cuts every open watch connection mid-stream, as a crashed apiserver or a broken NAT
    /// does: the connection closes without the chunked body's terminating chunk, so clients
    /// see the stream break rather than end. (Over https the TLS layer still says
    /// close_notify; the HTTP response is cut all the same.)
    public func resetAllWatches() {
        store.resetAllWatches()
    }

    /// Leaves every watch open now connected but silent, as a dead path to the client does:
    /// no more events, no bookmarks, and no clean end at their timeout. Only the client's
    /// idle read timeout (or `dropAllWatches`, `resetAllWatches`, shutdown) ends them.
    /// Watches opened afterwards are served as usual.
    public func silenceOpenWatches() {
        store.silenceOpenWatches()
    }

    /// Forgets the watch history: resuming from any version before now gets 410 Expired.
    public func compactHistory() {
        store.compactHistory()
    }

    /// Stops the watch cache catching up, as when the apiserver's cache lags behind etcd: a list
    /// it serves (`resourceVersion=0`, or a version it has reached) sees the state as of now
    /// until `resumeWatchCache()`. Consistent reads (a list without a version, a get) and
    /// watches see every write.
    public func pauseWatchCache() {
        store.pauseWatchCache()
    }

    public func resumeWatchCache() {
        store.resumeWatchCache()
    }

    /// Answers the next `count` matching requests with `status` (a Status object with the
    /// apiserver's reason for that code) and, if given, a `Retry-After` header.
    public func failNextRequests(_ count: Int, status: Int, retryAfter: Int? = nil, matching matcher: RequestMatcher = .apiRequests) {
        controls.failNext(count, error: .injected(status: status, retryAfterSeconds: retryAfter), matching: matcher)
    }

    /// Forgets the failures `failNextRequests` armed that no request has consumed yet: a fault
    /// that lasts a while rather than until a client happens to make that many requests.
    public func cancelInjectedFailures() {
        controls.cancelFailures()
    }

    /// Delays every request by this much before serving it (`.zero` to stop).
    public func setLatency(_ latency: Duration) {
        controls.latency = latency
    }

    // MARK: Observation

    /// Answered requests, oldest first (the newest 10,000).
    public var requestLog: [RecordedRequest] {
        controls.requestLog
    }

    public func clearRequestLog() {
        controls.clearRequestLog()
    }

    /// Watch streams open right now, silenced ones included.
    public var openWatchCount: Int {
        store.openWatchCount
    }

    /// The store's current resource version (what a list would return now).
    public var resourceVersion: String {
        String(store.resourceVersion)
    }
}

/// Hands the bound port (or the bind failure) from the server task to `start()`.
private final class StartSignal: Sendable {
    private let state = Mutex<(result: Result<Int, any Error>?, waiter: CheckedContinuation<Int, any Error>?)>((nil, nil))

    func succeed(port: Int) { complete(.success(port)) }
    func fail(_ error: any Error) { complete(.failure(error)) }

    private func complete(_ result: Result<Int, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func port() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Int, any Error>? in
                if state.result == nil { state.waiter = continuation }
                return state.result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
