import AgentVersion
import ENIConfig
import FoundationEssentials
import KubeAPI
import NodeFiles

/// Everything the agent knows, in one place, shared by the reconcile loop and the HTTP endpoints.
public actor AgentState {
    nonisolated public let node: String
    nonisolated public let directory: CNIDirectory
    nonisolated public let metrics: AgentMetrics
    nonisolated public let rolloutRestartedAt: String?
    private var reconciler: Reconciler
    private var findings: [Diagnostic] = []
    /// The sha256 last put back over Terway's copy of a rejected version, for /readyz and /status.
    private var restoredOverTerway: String?
    private let watchStatus: @Sendable () -> Watcher.Status
    /// False once the reconcile loop has ended for any reason but shutdown: `/healthz` then fails.
    private var loopAlive = true
    private var nodeFileDigest = NodeFileDigest()

    public init(
        node: String, mode: ApplyMode, coexistence: Coexistence = .none, lastGood: RenderedConflist? = nil,
        directory: CNIDirectory, metrics: AgentMetrics, rolloutRestartedAt: String?,
        watchStatus: @escaping @Sendable () -> Watcher.Status
    ) {
        self.watchStatus = watchStatus
        self.node = node
        self.directory = directory
        self.metrics = metrics
        self.rolloutRestartedAt = rolloutRestartedAt
        self.reconciler = Reconciler(mode: mode, coexistence: coexistence, lastGood: lastGood)
    }

    public var applied: AppliedVersion? { reconciler.applied }

    func observe(_ version: ObservedVersion) -> Reconciler.Decision {
        let decision = reconciler.observe(version)
        metrics.record(decision, for: version, pending: reconciler.pending)
        return decision
    }

    func observeDeletion() {
        reconciler.observeDeletion()
    }

    func observeNodeFile(_ state: NodeFileState) -> Reconciler.Decision {
        reconciler.observeNodeFile(state)
    }

    func correction() -> Reconciler.Decision {
        reconciler.correction()
    }

    /// The last good render was put back over Terway's copy of a rejected version.
    func restored(_ lastGood: RenderedConflist) {
        restoredOverTerway = lastGood.sha256
        _ = reconciler.observeNodeFile(.holds(sha256: lastGood.sha256))
    }

    /// - Parameter warnings: steps after the rename that failed (counted, never retried).
    func applySucceeded(wrote: Bool, warnings: Int, at date: Date) {
        reconciler.applySucceeded(at: date.timeIntervalSince1970)
        if let applied = reconciler.applied {
            metrics.recordApply(wrote: wrote, warnings: warnings, applied: applied, pending: reconciler.pending)
        }
    }

    func applyFailed() {
        reconciler.applyFailed()
        metrics.recordWriteFailure()
    }

    func retryDecision() -> Reconciler.Decision {
        reconciler.retry()
    }

    func setFindings(_ diagnostics: [Diagnostic]) {
        findings = diagnostics
    }

    /// What the watcher reports about the connection to the API server.
    private func watchHealth() -> WatchHealth {
        let status = watchStatus()
        var health = WatchHealth()
        health.connected = status.activeFailure == nil && status.counters.lists > 0
        health.lastError = status.activeFailure.map { "\($0.operation.rawValue): \($0.error)" }
        health.watchRestarts = status.counters.watchRestarts
        health.relists = status.counters.relists
        health.resourceVersion = status.resumeResourceVersion
        return health
    }

    /// Brings the observed series up to date before a scrape (the policy's own series are
    /// already current: they change with its decisions).
    public func refreshMetrics() {
        metrics.refresh(watch: watchStatus().counters, ready: readiness())
    }

    func loopEnded() {
        loopAlive = false
    }

    public var isAlive: Bool { loopAlive }

    /// Readiness must notice a file changed behind the agent's back, so the node file is looked
    /// at for each probe; it is read and hashed again only when it changed (`NodeFileDigest`).
    public func readiness() -> Readiness {
        readiness(of: nodeFileDigest.current(of: directory, now: .now))
    }

    private func readiness(of nodeFile: Result<String?, NodeFileError>) -> Readiness {
        Readiness.check(
            applied: reconciler.applied, latest: reconciler.latest, nodeFile: nodeFile, nodeFilePath: directory.nodeFilePath,
            waitingForTerway: reconciler.waitingForTerway != nil || (reconciler.coexistence == .terway && reconciler.applied == nil && nodeFile.isMissing),
            restoredOverTerway: restoredOverTerway)
    }

    public func status() -> AgentStatus {
        let nodeFile = nodeFileDigest.current(of: directory, now: .now)
        let readiness = readiness(of: nodeFile)
        let reason: String? = if case .notReady(let why) = readiness { why } else { nil }
        return AgentStatus(
            version: BuildVersion.description,
            node: node,
            mode: reconciler.mode,
            ready: readiness.isReady,
            reason: reason,
            pending: reconciler.pending,
            configMapDeleted: reconciler.configMapDeleted,
            applied: reconciler.applied.map {
                AgentStatus.Applied(
                    resourceVersion: $0.resourceVersion, sha256: $0.conflist.sha256,
                    appliedAt: Date(timeIntervalSince1970: $0.appliedAt).formatted(.iso8601))
            },
            latest: reconciler.latest.map {
                AgentStatus.Latest(
                    resourceVersion: $0.resourceVersion, valid: $0.conflist != nil, sha256: $0.conflist?.sha256,
                    diagnostics: $0.diagnostics, diagnosticsOmitted: $0.omittedDiagnostics)
            },
            nodeFile: AgentStatus.NodeFile(
                path: directory.nodeFilePath, present: nodeFile.isPresent,
                sha256: (try? nodeFile.get()) ?? nil,
                findings: findings),
            watch: watchHealth(),
            rolloutRestartedAt: rolloutRestartedAt)
    }
}

extension AgentState {
    /// The node file as it is now, beside what belongs in it (`/nodefile`).
    public func nodeFileReport() -> NodeFileReport {
        NodeFileReport(
            node: node, path: directory.nodeFilePath,
            file: Result { () throws(NodeFileError) in try directory.currentNodeFile() },
            findings: findings, reconciler: reconciler)
    }
}

extension Result<String?, NodeFileError> {
    fileprivate var isMissing: Bool {
        if case .success(nil) = self { true } else { false }
    }

    /// Something is at the path, readable or not (a directory, a FIFO and a huge file count).
    fileprivate var isPresent: Bool {
        if case .success(nil) = self { false } else { true }
    }
}
