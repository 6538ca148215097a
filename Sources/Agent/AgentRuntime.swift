import ENIConfig
import Hummingbird
import KubeAPI
import Logging
import NodeFiles
import ServiceLifecycle
import UnixSignals
import Synchronization

/// Puts the agent together: the cluster client, the watcher, the state, the reconcile loop and
/// the HTTP endpoints, run as one service group that stops on SIGTERM/SIGINT.
public final class AgentRuntime: Sendable {
    public let configuration: AgentConfiguration
    public let state: AgentState
    private let client: KubeClient
    private let watcher: Watcher
    private let events: EventRecorder
    private let logger: Logger
    private let boundPort = BoundPort()
    private let running = Mutex<ServiceGroup?>(nil)

    public init(configuration: AgentConfiguration, connection: ClusterConnection, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        client = KubeClient(connection: connection, configuration: .init(idleReadTimeout: configuration.idleReadTimeout))
        let watcher = Watcher(
            client: client, namespace: configuration.namespace, name: configuration.configMapName,
            logger: logger)
        self.watcher = watcher
        events = EventRecorder(client: client, nodeName: configuration.nodeName, logger: logger)
        state = AgentState(
            node: configuration.nodeName, mode: configuration.mode, coexistence: configuration.coexistence,
            lastGood: Self.lastGood(configuration, logger: logger),
            directory: CNIDirectory(path: configuration.cniDirectory), metrics: AgentMetrics(),
            rolloutRestartedAt: configuration.rolloutRestartedAt,
            watchStatus: { watcher.status })
    }

    /// What an earlier run applied: beside Terway, what to put back over terwayd's copy of a
    /// version this agent rejects, even right after a restart.
    private static func lastGood(_ configuration: AgentConfiguration, logger: Logger) -> RenderedConflist? {
        guard let directory = configuration.stateDirectory else { return nil }
        do {
            return try LastGoodStore(directory: directory).load()?.conflist
        } catch {
            logger.warning("the last-good record cannot be used; nothing can be put back until a version is applied", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The port the endpoints listen on, once they do (useful with `listenPort` 0).
    public var listeningPort: Int? { boundPort.value.withLock { $0 } }

    /// Stops as SIGTERM does: the watch ends, a write in progress finishes, the endpoints close.
    public func stop() async {
        await running.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// Runs until `stop()`, a signal in `gracefulShutdownSignals` arrives or the calling task is cancelled.
    public func run(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        logger.notice(
            "eni-config-agent starting",
            metadata: [
                "node": "\(configuration.nodeName)", "mode": "\(configuration.mode.rawValue)",
                "configmap": "\(configuration.namespace)/\(configuration.configMapName)",
                "nodeFile": "\(state.directory.nodeFilePath)",
                "rolloutRestartedAt": "\(configuration.rolloutRestartedAt ?? "none")",
                "coexist": "\(configuration.coexistence.rawValue)", "hostRoot": "\(configuration.hostRoot)",
            ])
        let limits = configuration.httpLimits
        let budget = ConnectionBudget(limits: limits)
        let app = Application(
            router: AgentEndpoints.router(state: state),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [RequestGuard(limits: limits, budget: budget)],
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: limits.maximumHeaderBytes, maxHeaderListSize: limits.maximumHeaderBytes, maxHeaderFieldCount: 100))),
            configuration: .init(address: .hostname(configuration.listenHost, port: configuration.listenPort), serverName: nil),
            onServerRunning: { [boundPort] channel in
                boundPort.value.withLock { $0 = channel.localAddress?.port }
            },
            logger: logger)
        let loop = ReconcileLoop(configuration: configuration, state: state, deliveries: watcher, events: events, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: app),
                ],
                gracefulShutdownSignals: gracefulShutdownSignals,
                logger: logger))
        running.withLock { $0 = group }
        do {
            try await group.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        logger.notice("eni-config-agent stopped; the node file stays")
    }
}

/// Where the HTTP server's bound port lands once it listens (a class, so the server's callback can hold it).
private final class BoundPort: Sendable {
    let value = Mutex<Int?>(nil)
}
