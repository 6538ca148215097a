import ENIConfig

/// The order `rollout` restarts nodes in: a canary first, then batches of a percentage of the
/// fleet, in node-name order (so a rerun after a failure goes the same way).
public struct RolloutPlan: Sendable, Equatable {
    public var batches: [[String]]

    /// - Parameters:
    ///   - canary: how many nodes go alone first (0 for none).
    ///   - percent: the size of every later batch, as a share of all nodes, at least one node.
    public init(nodes: [String], canary: Int, percent: Int) {
        let sorted = nodes.sorted()
        let canaryCount = min(max(canary, 0), sorted.count)
        let batchSize = max((sorted.count * max(percent, 0) + 99) / 100, 1)
        var batches = canaryCount > 0 ? [Array(sorted.prefix(canaryCount))] : []
        var rest = sorted.dropFirst(canaryCount)
        while !rest.isEmpty {
            batches.append(Array(rest.prefix(batchSize)))
            rest = rest.dropFirst(batchSize)
        }
        self.batches = batches
    }
}

/// Where one restarted node stands: still coming up, on the new version, or failed, and why.
public enum NodeProgress: Sendable, Equatable {
    case waiting(String)
    case done(sha256: String)
    case failed(String)

    /// Judges a node from its pod and its agent's `/status`, after the old pod was deleted.
    /// - Parameters:
    ///   - generation: the DaemonSet generation the rollout made; older pods are the ones to replace.
    ///   - configMapVersion: the ConfigMap's resourceVersion when the rollout started; a newer one will do.
    public static func assess(pod: PodInfo?, generation: Int64, agent: AgentReport?, configMapVersion: String) -> NodeProgress {
        guard let pod, let podGeneration = pod.templateGeneration, podGeneration >= generation else {
            return .waiting("its new pod to be created")
        }
        guard let agent else { return .waiting("its agent to answer /status") }
        if let latest = agent.latest, !latest.valid, isAtLeast(latest.resourceVersion, configMapVersion) {
            let errors = latest.diagnostics.errors
            let shown = errors.prefix(3).map(\.description).joined(separator: "; ")
            let more = errors.count > 3 ? " (and \(errors.count - 3) more)" : ""
            return .failed("resourceVersion \(latest.resourceVersion ?? "?") is invalid on this node, the file stays as it was: \(shown)\(more)")
        }
        if pod.isReady, agent.ready, !agent.pending, let applied = agent.applied, isAtLeast(applied.resourceVersion, configMapVersion) {
            return .done(sha256: applied.sha256)
        }
        return .waiting(agent.reason.map { "Ready (\($0))" } ?? "Ready")
    }
}
