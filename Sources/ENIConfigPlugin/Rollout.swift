import ENIConfig
import Foundation
import KubeAPI

/// `kubectl eni-config rollout`: restarts the agents node by node, a canary first, then
/// batches, waits for each batch to report the ConfigMap's version applied and Ready, and
/// stops at the first node that fails, saying why.
///
/// A DaemonSet cannot be paused, so for the duration its `updateStrategy` is `OnDelete` and
/// this command deletes the pods itself. What it changes on the DaemonSet:
/// - `spec.updateStrategy`: `OnDelete` while it runs; the previous strategy is put back when
///   every node is done;
/// - `spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]`: set, as
///   `kubectl rollout restart` sets it;
/// - `metadata.annotations["eni-config-agent/rollout"]`: the previous strategy and
///   restartedAt, until the rollout is done or aborted.
/// After a failure the DaemonSet stays on `OnDelete` (so nothing else restarts);
/// `abort()` puts both back.
public struct Rollout: Sendable {
    public static let annotation = "eni-config-agent/rollout"
    public static let restartedAt = "kubectl.kubernetes.io/restartedAt"

    public struct Options: Sendable {
        public var canary = 1
        /// Later batches, as a share of the nodes.
        public var percent = 25
        /// How long one batch may take to come up on the new version.
        public var batchTimeout = Duration.seconds(300)
        public var pollInterval = Duration.milliseconds(500)
        /// How many pod deletions, or nodes' pod and `/status` reads, are in flight at once.
        public var parallel = 16

        public init() {}
    }

    public enum Outcome: Sendable, Equatable {
        case completed(nodes: Int)
        /// Stopped at `node`; `done` nodes are on the new version, `notStarted` still run the old pod.
        case failed(node: String, reason: String, done: [String], notStarted: [String])
    }

    /// What the DaemonSet had before the rollout, kept in its annotation.
    struct Saved: Codable, Equatable {
        var updateStrategy: UpdateStrategy?
        var restartedAt: String?
        var configMapResourceVersion: String
        var startedAt: String
    }

    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    let cluster: PluginCluster
    let log: @Sendable (String) -> Void

    public init(cluster: PluginCluster, log: @escaping @Sendable (String) -> Void) {
        self.cluster = cluster
        self.log = log
    }

    public func run(_ options: Options) async throws -> Outcome {
        guard let configMap = try await cluster.configMap() else {
            throw Refused(description: "ConfigMap \(cluster.namespace)/\(cluster.configMapName) does not exist: nothing to roll out")
        }
        // What is wrong on every node is refused before anything restarts; what is wrong on
        // some nodes only is what the canary is for.
        let evaluation = ENIConfig.evaluate(ConfigMapData(data: configMap.data, binaryDataKeys: configMap.binaryDataKeys, resourceVersion: configMap.resourceVersion))
        guard evaluation.isValid else {
            let errors = evaluation.diagnostics.errors.map(\.description).joined(separator: "\n  ")
            throw Refused(description: "\(cluster.configMapName) resourceVersion \(configMap.resourceVersion) is invalid on every node; nothing was restarted:\n  \(errors)")
        }
        guard let port = try await cluster.daemonSet().agentPort else {
            throw Refused(description: "DaemonSet \(cluster.namespace)/\(cluster.daemonSetName) names no container port for the agent")
        }
        let (started, saved, restart) = try await start(configMapVersion: configMap.resourceVersion)
        let generation = started.generation
        log("\(cluster.daemonSetName): updateStrategy OnDelete for the rollout (was \(Self.describe(saved.updateStrategy))); restartedAt \(restart), generation \(generation)")

        let pods = try await cluster.pods(of: started)
        let plan = RolloutPlan(nodes: pods.map(\.node), canary: options.canary, percent: options.percent)
        log("\(cluster.configMapName) resourceVersion \(configMap.resourceVersion) to \(pods.count) nodes in \(plan.batches.count) batches (canary \(options.canary), then \(options.percent)%)")
        var done: [String] = []
        for (index, batch) in plan.batches.enumerated() {
            log("batch \(index + 1)/\(plan.batches.count)\(index == 0 && options.canary > 0 ? " (canary)" : ""): \(batch.joined(separator: ", "))")
            let old = pods.filter { batch.contains($0.node) && ($0.templateGeneration ?? 0) < generation }
            _ = try await boundedMap(old, parallel: options.parallel) { [cluster] in try await cluster.deletePod($0) }
            let result = try await waitFor(batch, of: started, configMapVersion: configMap.resourceVersion, port: port, options: options)
            done += result.done
            if let (node, reason) = result.failure {
                let notStarted = plan.batches[(index + 1)...].flatMap { $0 }
                log("stopped at \(node): \(reason)")
                return .failed(node: node, reason: reason, done: done, notStarted: notStarted)
            }
        }
        try await restore(saved, restartedAt: nil)
        log("\(cluster.daemonSetName): updateStrategy \(Self.describe(saved.updateStrategy)) restored; \(done.count) nodes on resourceVersion \(configMap.resourceVersion)")
        return .completed(nodes: done.count)
    }

    /// Switches the DaemonSet to OnDelete and sets restartedAt, in one write conditional on the
    /// version read; the controller's status writes move that version, so a conflict is read
    /// again and retried.
    private func start(configMapVersion: String) async throws -> (DaemonSetInfo, Saved, String) {
        var attempt = 1
        while true {
            let daemonSet = try await cluster.daemonSet()
            // A stopped rollout's annotation holds the strategy from before it: keep that one.
            let saved = try savedState(of: daemonSet) ?? Saved(
                updateStrategy: daemonSet.spec.updateStrategy, restartedAt: daemonSet.spec.template.metadata?.annotations?[Self.restartedAt],
                configMapResourceVersion: configMapVersion, startedAt: Self.now())
            let restart = Self.now()
            let patch = try Self.json([
                "metadata": ["resourceVersion": daemonSet.metadata.resourceVersion ?? "", "annotations": [Self.annotation: try Self.text(saved)]],
                "spec": [
                    "updateStrategy": ["type": UpdateStrategy.onDelete, "rollingUpdate": NSNull()],
                    "template": ["metadata": ["annotations": [Self.restartedAt: restart]]],
                ],
            ])
            do {
                return (try await cluster.patchDaemonSet(patch), saved, restart)
            } catch let error as KubeAPIError where error.statusCode == 409 && attempt < Self.conflictAttempts {
                attempt += 1
            }
        }
    }

    static let conflictAttempts = 5

    /// Puts back the strategy and the restartedAt a stopped rollout set aside. The DaemonSet
    /// controller then replaces the pods the rollout made with the previous template, as its
    /// strategy allows. Returns false when no rollout was in progress.
    public func abort() async throws -> Bool {
        let daemonSet = try await cluster.daemonSet()
        guard let saved = try savedState(of: daemonSet) else { return false }
        try await restore(saved, restartedAt: .some(saved.restartedAt))
        log("\(cluster.daemonSetName): updateStrategy \(Self.describe(saved.updateStrategy)) and restartedAt \(saved.restartedAt ?? "(none)") restored")
        return true
    }

    /// Waits until every node of the batch is done, one fails, or the batch times out.
    private func waitFor(
        _ batch: [String], of daemonSet: DaemonSetInfo, configMapVersion: String, port: Int, options: Options
    ) async throws -> (done: [String], failure: (String, String)?) {
        let generation = daemonSet.generation
        let deadline = ContinuousClock.now + options.batchTimeout
        let start = ContinuousClock.now
        var pending = batch
        var done: [String] = []
        var waitingFor: [String: String] = [:]
        while !pending.isEmpty {
            let observed = try await boundedMap(pending, parallel: options.parallel) { [cluster] node in
                let pod = try await cluster.pods(of: daemonSet, node: node).max { ($0.templateGeneration ?? 0) < ($1.templateGeneration ?? 0) }
                var agent: AgentReport?
                if let pod, (pod.templateGeneration ?? 0) >= generation, pod.status?.podIP != nil {
                    agent = try? await cluster.agentReport(pod, port: port)
                }
                return (pod, agent)
            }
            // Judged in node order, so the node a rollout stops at does not depend on timing.
            for (node, (pod, agent)) in zip(pending, observed) {
                switch NodeProgress.assess(pod: pod, generation: generation, agent: agent, configMapVersion: configMapVersion) {
                case .done(let sha256):
                    log("  \(node): on \(FleetStatus.short(sha256)), Ready after \(Self.seconds(ContinuousClock.now - start))")
                    done.append(node)
                    pending.removeAll { $0 == node }
                case .failed(let reason):
                    return (done, (node, reason))
                case .waiting(let what):
                    waitingFor[node] = what
                }
            }
            guard !pending.isEmpty else { break }
            guard ContinuousClock.now < deadline else {
                let node = pending[0]
                return (done, (node, "not done after \(Self.seconds(options.batchTimeout)): waiting for \(waitingFor[node] ?? "its pod")"))
            }
            try await Task.sleep(for: options.pollInterval)
        }
        return (done, nil)
    }

    /// `restartedAt`: nil leaves the template alone; `.some(value)` sets it back (`.some(nil)` removes it).
    private func restore(_ saved: Saved, restartedAt: String??) async throws {
        let strategy = try JSONSerialization.jsonObject(with: JSONEncoder().encode(saved.updateStrategy ?? UpdateStrategy(type: "RollingUpdate")))
        var spec: [String: Any] = ["updateStrategy": strategy]
        if let restartedAt {
            spec["template"] = ["metadata": ["annotations": [Self.restartedAt: restartedAt.map { $0 as Any } ?? NSNull()]]]
        }
        try await cluster.patchDaemonSet(try Self.json(["metadata": ["annotations": [Self.annotation: NSNull()]], "spec": spec]))
    }

    private func savedState(of daemonSet: DaemonSetInfo) throws -> Saved? {
        guard let text = daemonSet.metadata.annotations?[Self.annotation] else { return nil }
        do {
            return try JSONDecoder().decode(Saved.self, from: Data(text.utf8))
        } catch {
            throw Refused(description: "the annotation \(Self.annotation) on DaemonSet \(cluster.daemonSetName) is not what this command writes; remove it or restore the strategy by hand (docs/fleet.md)")
        }
    }

    static func describe(_ strategy: UpdateStrategy?) -> String {
        guard let strategy, strategy.type != UpdateStrategy.onDelete else { return strategy?.type ?? "RollingUpdate" }
        switch strategy.rollingUpdate?.maxUnavailable {
        case .int(let count)?: return "RollingUpdate, maxUnavailable \(count)"
        case .string(let text)?: return "RollingUpdate, maxUnavailable \(text)"
        case nil: return "RollingUpdate"
        }
    }

    private static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    private static func text(_ saved: Saved) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(saved), as: UTF8.self)
    }

    /// RFC 3339 in UTC, whole seconds, as kubectl writes restartedAt.
    static func now() -> String {
        Date().formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f s", Double(seconds) + Double(attoseconds) / 1e18)
    }
}
