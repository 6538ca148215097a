@testable import KubeSandbox
import Testing

/// The DaemonSet controller's decisions as a table: what it sees, what it does.
struct DaemonSetPlanTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var nodes: [String]
        var pods: [DaemonPod]
        var strategy: DaemonSetStrategy
        var expected: [DaemonSetAction]
        var testDescription: String { name }
    }

    static func pod(_ node: String, _ revision: String, available: Bool = true, name: String? = nil) -> DaemonPod {
        DaemonPod(name: name ?? "ds-\(node)-\(revision)", node: node, revision: revision, isReady: available, isAvailable: available)
    }

    static let one = DaemonSetStrategy.rollingUpdate(maxUnavailable: .count(1))
    static let nodes = ["n1", "n2", "n3", "n4"]

    static let rows: [Row] = [
        Row(name: "a pod for every node", nodes: nodes, pods: [pod("n2", "new")], strategy: one,
            expected: [.create(node: "n1"), .create(node: "n3"), .create(node: "n4")]),
        Row(name: "a pod on a node that left goes", nodes: ["n1"], pods: [pod("n1", "new"), pod("gone", "new")], strategy: one,
            expected: [.delete(pod: "ds-gone-new")]),
        Row(name: "a second pod on a node goes, the current one stays", nodes: ["n1"],
            pods: [pod("n1", "old"), pod("n1", "new")], strategy: .onDelete, expected: [.delete(pod: "ds-n1-old")]),
        Row(name: "maxUnavailable 1: one old pod at a time, in node order", nodes: nodes,
            pods: nodes.map { pod($0, "old") }, strategy: one, expected: [.delete(pod: "ds-n1-old")]),
        Row(name: "a replacement not yet ready holds the rollout", nodes: nodes,
            pods: [pod("n1", "new", available: false)] + nodes.dropFirst().map { pod($0, "old") }, strategy: one, expected: []),
        Row(name: "a node without a pod counts as unavailable", nodes: nodes,
            pods: nodes.dropFirst().map { pod($0, "old") }, strategy: one, expected: [.create(node: "n1")]),
        Row(name: "a ready replacement lets the next one go", nodes: nodes,
            pods: [pod("n1", "new")] + nodes.dropFirst().map { pod($0, "old") }, strategy: one, expected: [.delete(pod: "ds-n2-old")]),
        Row(name: "an old pod that is not available is replaced at once, beyond the budget", nodes: nodes,
            pods: [pod("n1", "new", available: false), pod("n2", "old"), pod("n3", "old", available: false), pod("n4", "old")],
            strategy: one, expected: [.delete(pod: "ds-n3-old")]),
        Row(name: "50% of 4 nodes: two at a time", nodes: nodes,
            pods: nodes.map { pod($0, "old") }, strategy: .rollingUpdate(maxUnavailable: .percent(50)),
            expected: [.delete(pod: "ds-n1-old"), .delete(pod: "ds-n2-old")]),
        Row(name: "10% of 4 nodes rounds up to one", nodes: nodes,
            pods: nodes.map { pod($0, "old") }, strategy: .rollingUpdate(maxUnavailable: .percent(10)), expected: [.delete(pod: "ds-n1-old")]),
        Row(name: "maxUnavailable 0 still allows one (maxSurge is 0)", nodes: nodes,
            pods: nodes.map { pod($0, "old") }, strategy: .rollingUpdate(maxUnavailable: .count(0)), expected: [.delete(pod: "ds-n1-old")]),
        Row(name: "OnDelete: old pods stay", nodes: nodes, pods: nodes.map { pod($0, "old") }, strategy: .onDelete, expected: []),
        Row(name: "OnDelete: a deleted pod comes back on the new template", nodes: nodes,
            pods: nodes.dropFirst().map { pod($0, "old") }, strategy: .onDelete, expected: [.create(node: "n1")]),
    ]

    @Test(arguments: rows)
    func plan(_ row: Row) {
        #expect(DaemonSetPlan.actions(nodes: row.nodes, pods: row.pods, revision: "new", strategy: row.strategy) == row.expected)
    }

    @Test func statusCountsPerNode() {
        let pods = [Self.pod("n1", "new"), Self.pod("n2", "new", available: false), Self.pod("n3", "old"), Self.pod("gone", "new")]
        let counts = DaemonSetPlan.status(nodes: Self.nodes, pods: pods, revision: "new", observedGeneration: 4)
        #expect(counts == DaemonSetCounts(observedGeneration: 4, desired: 4, current: 3, misscheduled: 1, ready: 2, updated: 2, available: 2))
        #expect(counts.document[path: ["numberUnavailable"]] == .integer(2))
    }
}
