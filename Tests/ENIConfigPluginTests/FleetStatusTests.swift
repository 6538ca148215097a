import ENIConfig
import ENIConfigPlugin
import Testing

/// The fleet view's summary line and verdict.
struct FleetStatusTests {
    static func row(_ node: String, file: String?, applied: String?, latest: String = "7", valid: Bool = true, pending: Bool = false, ready: Bool = true) -> NodeRow {
        let agent = AgentReport(
            node: node, ready: ready, pending: pending,
            applied: applied.map { AgentReport.Applied(resourceVersion: $0, sha256: file ?? "") },
            latest: .init(resourceVersion: latest, valid: valid, sha256: nil, diagnostics: []),
            nodeFile: .init(path: nil, present: file != nil, sha256: file, findings: []))
        return NodeRow(node: node, pod: "pod-\(node)", podReady: ready, agent: agent)
    }

    static let new = String(repeating: "3f2a9c", count: 10)
    static let old = String(repeating: "7b1c2d", count: 10)

    @Test func everyNodeOnTheCurrentVersionIsSettled() {
        let status = FleetStatus(daemonSet: "terway-eniip", configMap: "eni-config", configMapResourceVersion: "7",
                                 rows: (1...3).map { Self.row("node-\($0)", file: Self.new, applied: "7") })
        #expect(status.summaryLine == "3/3 nodes on 3f2a9c3f2a9c, 0 pending, 0 invalid (eni-config resourceVersion 7: 3/3 applied)")
        #expect(status.isSettled)
    }

    @Test func aFleetMidRolloutCountsEachKind() {
        let rows = [
            Self.row("node-4", file: Self.old, applied: "5", pending: true),
            Self.row("node-1", file: Self.new, applied: "7"),
            Self.row("node-2", file: Self.new, applied: "7"),
            Self.row("node-3", file: Self.old, applied: nil, valid: false, ready: false),
            NodeRow(node: "node-5", pod: "pod-node-5", podReady: true, agent: nil, unreachable: "503"),
        ]
        let status = FleetStatus(daemonSet: "terway-eniip", configMap: "eni-config", configMapResourceVersion: "7", rows: rows)
        #expect(status.summaryLine == "2/5 nodes on 3f2a9c3f2a9c, 2/5 on 7b1c2d7b1c2d, 1 pending, 1 invalid, 1 not ready, 1 unreachable (eni-config resourceVersion 7: 2/5 applied)")
        #expect(!status.isSettled)
        #expect(status.rows.map(\.node) == ["node-1", "node-2", "node-3", "node-4", "node-5"])
        let lines = status.table.split(separator: "\n")
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NODE", "POD", "READY", "FILE", "APPLIED", "PENDING", "LATEST", "FINDINGS"])
        #expect(lines.last?.contains("unreachable: 503") == true)
    }
}
