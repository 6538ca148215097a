import ENIConfig
import Foundation
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

    /// During an upgrade a newer agent may report a rule this plugin does not know: its report
    /// still reads, and the table names the rule as the agent sent it.
    @Test func aRuleIDFromANewerAgentStillReads() throws {
        let body = """
            {"node": "node-1", "ready": false, "pending": false,
             "latest": {"resourceVersion": "9", "valid": false, "diagnostics": [
                {"severity": "error", "rule": "rule-from-the-future", "key": "10-terway.conflist", "path": "plugins[1]", "line": 4, "column": 7, "message": "m"}]},
             "nodeFile": {"present": true, "sha256": "\(Self.old)", "findings": [
                {"severity": "warning", "rule": "another-new-rule", "message": "w"}]}}
            """
        let agent = try JSONDecoder().decode(AgentReport.self, from: Data(body.utf8))
        #expect(agent.latest?.diagnostics.errors.map(\.description) == ["error: 10-terway.conflist:4:7: plugins[1]: m"])
        let status = FleetStatus(daemonSet: "terway-eniip", configMap: "eni-config", configMapResourceVersion: "9",
                                 rows: [NodeRow(node: "node-1", pod: "pod-node-1", podReady: false, agent: agent)])
        let row = try #require(status.table.split(separator: "\n").last)
        #expect(row.contains("9 invalid (rule-from-the-future)"))
        #expect(row.contains("1 (another-new-rule)"))
    }
}
