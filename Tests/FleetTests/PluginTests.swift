import Fleet
import Foundation
import KubeSandbox
import Testing

/// `kubectl eni-config` as an operator runs it: the real kubectl finding the plugin on PATH,
/// against a fleet of real agents.
@Suite("kubectl eni-config on a fleet", .serialized, .timeLimit(.minutes(2)))
struct PluginTests {
    static let pluginDirectory = URL(fileURLWithPath: FleetHarness.binary("kubectl-eni_config")).deletingLastPathComponent().path

    func plugin(_ harness: FleetHarness, _ arguments: String...) async throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try await harness.kubectl.plugin("eni-config", arguments, pluginDirectory: Self.pluginDirectory)
        return (result.status, result.stdout, result.stderr)
    }

    @Test("rollout stops at the first node that fails and says why; status shows it; --abort puts the strategy back")
    func rolloutStopsAtTheFirstBadNode() async throws {
        var nodes = FleetNodeSpec.standard(count: 3)
        nodes[1].missingPlugins = ["tuning"]
        try await FleetHarness.with(nodes: nodes) { harness in
            let fleet = harness.fleet
            let before = try fleet.nodes.map { try harness.render("eni-config.yaml", on: $0) }
            let untouchedPod = try #require(harness.pod(on: fleet.nodes[2]))
            try fleet.sandbox.seed(manifest: try example("eni-config-tuning.yaml"))

            let rollout = try await plugin(harness, "rollout")
            #expect(rollout.status == 1, "\(rollout.stdout)\(rollout.stderr)")
            #expect(rollout.stdout.contains("batch 1/3 (canary): node-1\n  node-1: on "), "\(rollout.stdout)")
            #expect(rollout.stderr.contains("rollout stopped at node-2: resourceVersion"), "\(rollout.stderr)")
            #expect(rollout.stderr.contains("opt/cni/bin/tuning does not exist"))
            #expect(!rollout.stdout.contains("batch 3/3"))

            #expect(fleet.nodes[0].nodeFile() == (try harness.render("eni-config-tuning.yaml", on: fleet.nodes[0])))
            #expect(fleet.nodes[1].nodeFile() == before[1])
            #expect(fleet.nodes[2].nodeFile() == before[2])
            #expect(harness.pod(on: fleet.nodes[2])?.uid == untouchedPod.uid, "node-3 was not restarted")
            #expect(fleet.daemonSet?.strategy == "OnDelete", "the DaemonSet stays on OnDelete after a failure")

            let status = try await plugin(harness, "status")
            #expect(status.status == 1)
            let summary = try #require(status.stdout.split(separator: "\n").last)
            #expect(summary.hasPrefix("2/3 nodes on "), "\(status.stdout)")
            #expect(summary.contains(", 1/3 on ") && summary.contains("1 pending, 1 invalid, 1 not ready"), "\(summary)")
            let row = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("node-2 ") })
            #expect(row.contains("invalid (plugin-binary-missing)"), "\(row)")

            let json = try await plugin(harness, "status", "-o", "json")
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((decoded["nodes"] as? [[String: Any]])?.count == 3)
            #expect((decoded["summary"] as? [String: Any])?["invalid"] as? Int == 1)

            let aborted = try await plugin(harness, "rollout", "--abort")
            #expect(aborted.status == 0, "\(aborted.stderr)")
            #expect(fleet.daemonSet?.strategy == "RollingUpdate")
            #expect(fleet.daemonSet?.restartedAt == nil)
        }
    }

    @Test("a valid version rolls out batch by batch and the strategy comes back; an invalid one is refused before any restart")
    func validRolloutAndRefusal() async throws {
        try await FleetHarness.with(nodes: FleetNodeSpec.standard(count: 3)) { harness in
            let fleet = harness.fleet
            let pods = fleet.sandbox.pods(namespace: Fleet.namespace).map(\.uid)
            try fleet.sandbox.seed(manifest: try example("eni-config-invalid.yaml"))
            let invalid = try await plugin(harness, "validate")
            #expect(invalid.status == 1 && invalid.stderr.contains("plugins[0].capabilities.bandwidth"), "\(invalid.stderr)")
            let refused = try await plugin(harness, "rollout")
            #expect(refused.status == 1 && refused.stderr.contains("is invalid on every node; nothing was restarted"), "\(refused.stderr)")
            #expect(fleet.sandbox.pods(namespace: Fleet.namespace).map(\.uid) == pods)
            #expect(fleet.daemonSet?.strategy == "RollingUpdate")

            try fleet.sandbox.seed(manifest: try example("eni-config-tuning.yaml"))
            #expect(try await plugin(harness, "validate").status == 0)
            try await harness.eventually("every agent to see the edit") { try await plugin(harness, "diff").stdout.components(separatedBy: "(pending a restart)").count == 4 }
            let rollout = try await plugin(harness, "rollout", "--batch", "50%")
            #expect(rollout.status == 0, "\(rollout.stdout)\(rollout.stderr)")
            #expect(rollout.stdout.contains("batch 2/2: node-2, node-3"), "\(rollout.stdout)")
            #expect(rollout.stdout.contains("updateStrategy RollingUpdate, maxUnavailable 1 restored; 3 nodes"))
            for node in fleet.nodes {
                #expect(node.nodeFile() == (try harness.render("eni-config-tuning.yaml", on: node)))
            }
            #expect(fleet.daemonSet?.strategy == "RollingUpdate")
            let settled = try await plugin(harness, "status")
            #expect(settled.status == 0 && settled.stdout.contains("0 pending, 0 invalid"), "\(settled.stdout)")
            let same = try await plugin(harness, "diff")
            #expect(same.status == 0 && same.stderr.contains("0 of 3 nodes differ"), "\(same.stderr)")
        }
    }

    @Test("inspect shows a node's file, its findings and the diff against what belongs there")
    func inspect() async throws {
        var nodes = FleetNodeSpec.standard(count: 2)
        nodes[1].missingPlugins = ["tuning"]
        try await FleetHarness.with(nodes: nodes) { harness in
            let fleet = harness.fleet
            let settled = try await plugin(harness, "inspect", "node-1")
            #expect(settled.status == 0, "\(settled.stdout)\(settled.stderr)")
            #expect(settled.stdout.contains("/etc/cni/net.d/10-terway.conflist (sha256 "), "\(settled.stdout)")
            #expect(settled.stdout.contains(try harness.render("eni-config.yaml", on: fleet.nodes[0]).dropLast()), "the file's text")
            #expect(settled.stdout.contains("findings: none\nthe file is the render of resourceVersion "), "\(settled.stdout)")

            let version = try #require(try fleet.sandbox.seed(manifest: try example("eni-config-tuning.yaml")).first?.resourceVersion)
            try await harness.eventually("both agents to see the edit") {
                let first = try await harness.agentStatus(on: fleet.nodes[0])
                let second = try await harness.agentStatus(on: fleet.nodes[1])
                return [first, second].allSatisfy { ($0["latest"] as? [String: Any])?["resourceVersion"] as? String == version }
            }
            let pending = try await plugin(harness, "inspect", "node-1")
            #expect(pending.status == 1, "\(pending.stdout)")
            #expect(pending.stdout.contains("the file differs from the render of resourceVersion \(version), pending a restart:\n--- node-1:"), "\(pending.stdout)")
            #expect(pending.stdout.contains("\n-      \"type\": \"portmap\"") && pending.stdout.contains("\n+      \"type\": \"tuning\""), "\(pending.stdout)")

            let invalidHere = try await plugin(harness, "inspect", "node-2", "-o", "json")
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(invalidHere.stdout.utf8)) as? [String: Any])
            let file = try #require(decoded["nodeFile"] as? [String: Any])
            #expect(file["basis"] as? String == "lastGood", "tuning is missing on node-2: the last good render belongs there")
            #expect(invalidHere.status == 0, "the file is the last good render: \(invalidHere.stdout)")

            let absent = try await plugin(harness, "inspect", "node-9")
            #expect(absent.status == 2 && absent.stderr.contains("no pod of DaemonSet kube-system/terway-eniip runs on node node-9"), "\(absent.stderr)")
        }
    }
}
