/// A daemon pod as the DaemonSet controller weighs it.
struct DaemonPod: Sendable, Equatable {
    var name: String
    var node: String
    /// Its `controller-revision-hash`: the template it was made from.
    var revision: String
    var isReady: Bool
    /// Ready for at least `minReadySeconds`.
    var isAvailable: Bool
}

/// How a DaemonSet replaces pods after its template changed.
enum DaemonSetStrategy: Sendable, Equatable {
    /// Delete old pods while at most this many nodes are without an available pod (maxSurge 0).
    case rollingUpdate(maxUnavailable: IntOrPercent)
    /// Replace a pod only when someone deletes it.
    case onDelete
}

/// What one sync of the DaemonSet controller does.
enum DaemonSetAction: Sendable, Equatable {
    case create(node: String)
    case delete(pod: String)
}

/// The DaemonSet controller's decisions, as functions of what it sees: kube-controller-manager's
/// `manage` (a pod on every eligible node, none elsewhere) and `rollingUpdate` with `maxSurge: 0`.
/// The real controller walks nodes in map order; here they go in name order, so a rollout is
/// repeatable.
enum DaemonSetPlan {
    static func actions(nodes: [String], pods: [DaemonPod], revision: String, strategy: DaemonSetStrategy) -> [DaemonSetAction] {
        let eligible = Set(nodes)
        var actions: [DaemonSetAction] = pods.filter { !eligible.contains($0.node) }.map { .delete(pod: $0.name) }
        let byNode = Dictionary(grouping: pods.filter { eligible.contains($0.node) }, by: \.node)
        for node in nodes.sorted() {
            let onNode = byNode[node] ?? []
            if onNode.isEmpty {
                actions.append(.create(node: node))
            } else if onNode.count > 1 {
                // Keep one, preferring a pod of the current template.
                let kept = onNode.first { $0.revision == revision } ?? onNode[0]
                actions += onNode.filter { $0.name != kept.name }.map { .delete(pod: $0.name) }
            }
        }
        guard case .rollingUpdate(let maxUnavailable) = strategy else { return actions }
        return actions + rollingUpdate(nodes: nodes.sorted(), byNode: byNode, revision: revision, maxUnavailable: maxUnavailable)
    }

    /// `rollingUpdate` for maxSurge 0: an old pod that is not available goes at once; an
    /// available one only while fewer than maxUnavailable nodes lack an available pod.
    private static func rollingUpdate(
        nodes: [String], byNode: [String: [DaemonPod]], revision: String, maxUnavailable: IntOrPercent
    ) -> [DaemonSetAction] {
        let budget = allowedUnavailable(maxUnavailable, desired: nodes.count)
        var unavailable = 0
        var replaceNow: [String] = []
        var candidates: [String] = []
        for node in nodes {
            let onNode = byNode[node] ?? []
            let current = onNode.first { $0.revision == revision }
            let old = onNode.first { $0.revision != revision }
            switch (current, old) {
            case (nil, nil), (_?, _?):
                // No pod yet, or a replacement in progress: manage settles it; count it as down.
                unavailable += 1
            case (let current?, nil):
                if !current.isAvailable { unavailable += 1 }
            case (nil, let old?):
                if !old.isAvailable {
                    replaceNow.append(old.name)
                } else if unavailable < budget {
                    candidates.append(old.name)
                }
            }
        }
        let room = min(max(budget - unavailable, 0), candidates.count)
        return (replaceNow + candidates.prefix(room)).map { .delete(pod: $0) }
    }

    /// maxUnavailable scaled against the desired count (rounded up); with maxSurge 0 it is at least 1.
    static func allowedUnavailable(_ maxUnavailable: IntOrPercent, desired: Int) -> Int {
        max(maxUnavailable.scaled(of: desired, roundUp: true), 1)
    }

    /// `status` counts, per node, as `updateDaemonSetStatus` computes them.
    static func status(nodes: [String], pods: [DaemonPod], revision: String, observedGeneration: Int64) -> DaemonSetCounts {
        let eligible = Set(nodes)
        let byNode = Dictionary(grouping: pods, by: \.node)
        var counts = DaemonSetCounts(observedGeneration: observedGeneration, desired: nodes.count)
        for (node, onNode) in byNode {
            guard eligible.contains(node) else {
                counts.misscheduled += 1
                continue
            }
            counts.current += 1
            if onNode.contains(where: \.isReady) { counts.ready += 1 }
            if onNode.contains(where: \.isAvailable) { counts.available += 1 }
            if onNode.contains(where: { $0.revision == revision }) { counts.updated += 1 }
        }
        return counts
    }
}

/// A DaemonSet's `status`.
struct DaemonSetCounts: Sendable, Equatable {
    var observedGeneration: Int64
    var desired: Int
    var current = 0
    var misscheduled = 0
    var ready = 0
    var updated = 0
    var available = 0

    var document: Document {
        var fields: [String: Document] = [
            "observedGeneration": .integer(observedGeneration),
            "desiredNumberScheduled": .integer(Int64(desired)),
            "currentNumberScheduled": .integer(Int64(current)),
            "numberMisscheduled": .integer(Int64(misscheduled)),
            "numberReady": .integer(Int64(ready)),
            "updatedNumberScheduled": .integer(Int64(updated)),
            "numberAvailable": .integer(Int64(available)),
        ]
        // omitempty in the Go type.
        if desired - available > 0 { fields["numberUnavailable"] = .integer(Int64(desired - available)) }
        return .object(fields)
    }
}
