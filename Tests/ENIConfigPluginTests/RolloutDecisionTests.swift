import ENIConfig
import ENIConfigPlugin
import Testing

/// The rollout's order and its verdict on a node, as tables.
struct RolloutDecisionTests {
    static let nodes = (1...10).map { "node-\($0 < 10 ? "0" : "")\($0)" }

    @Test(arguments: [
        (1, 25, [["node-01"], ["node-02", "node-03", "node-04"], ["node-05", "node-06", "node-07"], ["node-08", "node-09", "node-10"]]),
        (0, 50, [["node-01", "node-02", "node-03", "node-04", "node-05"], ["node-06", "node-07", "node-08", "node-09", "node-10"]]),
        (2, 1, [["node-01", "node-02"]] + (3...10).map { ["node-\($0 < 10 ? "0" : "")\($0)"] }),
        (10, 25, [nodes]),
        (20, 25, [nodes]),
    ])
    func batches(canary: Int, percent: Int, expected: [[String]]) {
        #expect(RolloutPlan(nodes: Self.nodes.reversed(), canary: canary, percent: percent).batches == expected)
    }

    @Test func noNodesNoBatches() {
        #expect(RolloutPlan(nodes: [], canary: 1, percent: 25).batches.isEmpty)
    }

    static func pod(generation: Int64?, ready: Bool) -> PodInfo {
        PodInfo(
            metadata: .init(name: "terway-eniip-abcde", uid: "u", labels: generation.map { ["pod-template-generation": String($0)] }),
            spec: .init(nodeName: "node-01"),
            status: .init(phase: "Running", podIP: "10.0.0.1", conditions: [.init(type: "Ready", status: ready ? "True" : "False")]))
    }

    static let missingBinary = Diagnostic(.error, rule: .pluginBinaryMissing, key: "10-terway.conflist", "tuning does not exist")

    static func agent(applied: String? = nil, latest: String, valid: Bool = true, ready: Bool = true, pending: Bool = false, reason: String? = nil) -> AgentReport {
        AgentReport(
            node: "node-01", ready: ready, reason: reason, pending: pending,
            applied: applied.map { AgentReport.Applied(resourceVersion: $0, sha256: "887b57b411c3aaaa") },
            latest: .init(resourceVersion: latest, valid: valid, sha256: nil, diagnostics: valid ? [] : [ReportedDiagnostic(missingBinary)]))
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var pod: PodInfo?
        var agent: AgentReport?
        var expected: NodeProgress
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "no pod yet", pod: nil, agent: nil, expected: .waiting("its new pod to be created")),
        Row(name: "the old pod is still there", pod: pod(generation: 2, ready: true), agent: agent(applied: "7", latest: "7"),
            expected: .waiting("its new pod to be created")),
        Row(name: "a pod without the generation label is not the new one", pod: pod(generation: nil, ready: true), agent: nil,
            expected: .waiting("its new pod to be created")),
        Row(name: "the agent does not answer yet", pod: pod(generation: 3, ready: false), agent: nil,
            expected: .waiting("its agent to answer /status")),
        Row(name: "applied and Ready", pod: pod(generation: 3, ready: true), agent: agent(applied: "7", latest: "7"),
            expected: .done(sha256: "887b57b411c3aaaa")),
        Row(name: "a newer version applied will do", pod: pod(generation: 4, ready: true), agent: agent(applied: "9", latest: "9"),
            expected: .done(sha256: "887b57b411c3aaaa")),
        Row(name: "applied, but the pod is not Ready yet", pod: pod(generation: 3, ready: false), agent: agent(applied: "7", latest: "7"),
            expected: .waiting("Ready")),
        Row(name: "an older version applied: not done", pod: pod(generation: 3, ready: true), agent: agent(applied: "5", latest: "5", reason: "no version seen"),
            expected: .waiting("Ready (no version seen)")),
        Row(name: "invalid on this node: failed, with the diagnostics", pod: pod(generation: 3, ready: false),
            agent: agent(latest: "7", valid: false, ready: false),
            expected: .failed("resourceVersion 7 is invalid on this node, the file stays as it was: error: 10-terway.conflist: tuning does not exist")),
        Row(name: "an older invalid version is not this rollout's failure", pod: pod(generation: 3, ready: false),
            agent: agent(latest: "5", valid: false, ready: false), expected: .waiting("Ready")),
    ]

    @Test(arguments: rows)
    func progress(_ row: Row) {
        #expect(NodeProgress.assess(pod: row.pod, generation: 3, agent: row.agent, configMapVersion: "7") == row.expected)
    }
}
