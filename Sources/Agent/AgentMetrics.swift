import AgentVersion
import KubeAPI
import Prometheus
import Synchronization

/// The agent's Prometheus series; every name starts with `eni_config_agent_`.
///
/// The policy's series change when the reconcile loop carries out a decision (`record…`). What
/// the agent only observes (the watcher's requests, whether the node file still holds what was
/// applied) is brought up to date by a scrape (`refresh`), never by reading `/status` or `/readyz`.
public final class AgentMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let applies: Counter
    let writeFailures: Counter
    let applyWarnings: Counter
    let invalidVersions: Counter
    let configValid: Gauge
    let pendingChange: Gauge
    let ready: Gauge
    let watchRestarts: Counter
    let relists: Counter
    let lastApplyTimestamp: Gauge
    private let appliedInfo = Mutex<Gauge?>(nil)
    /// The watcher's counts already added to the Prometheus counters.
    private let countedWatch = Mutex((watchRestarts: 0, relists: 0))

    public init(version: String = BuildVersion.description) {
        applies = registry.makeCounter(name: "eni_config_agent_applies_total", help: "Writes of the node file (unchanged renders are not counted).")
        writeFailures = registry.makeCounter(name: "eni_config_agent_write_failures_total", help: "Failed writes of the node file; the previous file stayed.")
        applyWarnings = registry.makeCounter(
            name: "eni_config_agent_apply_warnings_total",
            help: "Steps after a node file write that failed (last-good record, stale 10-terway.conf removal, directory fsync); the file holds the new version.")
        invalidVersions = registry.makeCounter(name: "eni_config_agent_invalid_versions_total", help: "Versions of eni-config rejected by validation.")
        configValid = registry.makeGauge(name: "eni_config_agent_config_valid", help: "1 when the latest version of eni-config is valid for this node.")
        pendingChange = registry.makeGauge(name: "eni_config_agent_pending_change", help: "1 when a valid newer version waits for a rollout restart (on-start mode).")
        ready = registry.makeGauge(name: "eni_config_agent_ready", help: "1 when the node file holds what this agent applied.")
        watchRestarts = registry.makeCounter(name: "eni_config_agent_watch_restarts_total", help: "Watch requests started after the first one.")
        relists = registry.makeCounter(name: "eni_config_agent_relists_total", help: "Lists after the first one (a 410 or a lost resource version).")
        lastApplyTimestamp = registry.makeGauge(name: "eni_config_agent_last_apply_timestamp_seconds", help: "When the node file was last written or confirmed, Unix seconds.")
        registry.makeGauge(
            name: "eni_config_agent_build_info", labels: [("version", version)],
            help: "The running build's version (always 1).").set(1.0)
    }

    /// The policy has judged a new version: valid or not, what it decided, whether a change now waits.
    func record(_ decision: Reconciler.Decision, for version: ObservedVersion, pending: Bool) {
        configValid.set(version.conflist == nil ? 0.0 : 1.0)
        if case .reportInvalid = decision { invalidVersions.increment() }
        pendingChange.set(pending ? 1.0 : 0.0)
    }

    /// An `apply` decision was carried out: the node file holds `applied` (written, or already
    /// identical); `warnings` steps after the rename failed.
    func recordApply(wrote: Bool, warnings: Int, applied: AppliedVersion, pending: Bool) {
        if wrote { applies.increment() }
        if warnings > 0 { applyWarnings.increment(by: Int64(warnings)) }
        lastApplyTimestamp.set(applied.appliedAt)
        pendingChange.set(pending ? 1.0 : 0.0)
        setApplied(sha256: applied.conflist.sha256, resourceVersion: applied.resourceVersion)
    }

    func recordWriteFailure() {
        writeFailures.increment()
    }

    /// Before a scrape: the watcher's counts (it counts requests, the counters catch up) and readiness.
    public func refresh(watch counters: WatcherStateMachine.Counters, ready readiness: Readiness) {
        countedWatch.withLock { counted in
            if counters.watchRestarts > counted.watchRestarts {
                watchRestarts.increment(by: Int64(counters.watchRestarts - counted.watchRestarts))
            }
            if counters.relists > counted.relists {
                relists.increment(by: Int64(counters.relists - counted.relists))
            }
            counted = (counters.watchRestarts, counters.relists)
        }
        ready.set(readiness.isReady ? 1.0 : 0.0)
    }

    /// `eni_config_agent_applied_info{sha256, resource_version} 1`: one series for what is applied now.
    private func setApplied(sha256: String, resourceVersion: String?) {
        appliedInfo.withLock { current in
            if let current { registry.unregisterGauge(current) }
            let gauge = registry.makeGauge(
                name: "eni_config_agent_applied_info",
                labels: [("sha256", sha256), ("resource_version", resourceVersion ?? "")],
                help: "The version of the node file this agent applied.")
            gauge.set(1.0)
            current = gauge
        }
    }

    public func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
