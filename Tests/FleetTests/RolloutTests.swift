import Fleet
import Foundation
import KubeSandbox
import Testing

/// `kubectl rollout restart daemonset terway-eniip` against a fleet of real agents: the command
/// the seed and the users name, end to end, with the real kubectl.
@Suite("DaemonSet rollouts on a fleet", .serialized, .timeLimit(.minutes(2)))
struct RolloutTests {
    static let restart = ["rollout", "restart", "daemonset", "terway-eniip", "-n", "kube-system"]
    static let status = ["rollout", "status", "daemonset", "terway-eniip", "-n", "kube-system"]

    @Test("a valid edit reaches every node with rollout restart; rollout status completes")
    func validEdit() async throws {
        try await FleetHarness.with(nodes: FleetNodeSpec.standard(count: 3)) { harness in
            let fleet = harness.fleet
            for node in fleet.nodes {
                #expect(node.nodeFile() == (try harness.render("eni-config.yaml", on: node)), "\(node.name)")
            }
            try fleet.sandbox.seed(manifest: try example("eni-config-tuning.yaml"))
            // on-start: every agent validates the edit and waits for the restart.
            for node in fleet.nodes {
                try await harness.eventually("\(node.name) reports the edit as pending") {
                    try await harness.agentStatus(on: node)["pending"] as? Bool == true
                }
                #expect(node.nodeFile() == (try harness.render("eni-config.yaml", on: node)))
            }

            let restarted = try await harness.kubectl.run(Self.restart)
            #expect(restarted.status == 0, "\(restarted.stderr)")
            #expect(restarted.stdout.contains("daemonset.apps/terway-eniip restarted"))
            let rolled = try await harness.kubectl.run(Self.status + ["--timeout=60s"], timeout: .seconds(70))
            #expect(rolled.status == 0, "\(rolled.stderr)")
            #expect(rolled.stdout.contains("daemon set \"terway-eniip\" successfully rolled out"), "\(rolled.stdout)")

            let daemonSet = try #require(fleet.daemonSet)
            #expect(daemonSet.generation == 2 && daemonSet.restartedAt != nil)
            for node in fleet.nodes {
                #expect(node.nodeFile() == (try harness.render("eni-config-tuning.yaml", on: node)), "\(node.name)")
                let pod = try #require(harness.pod(on: node))
                #expect(pod.revision == daemonSet.revision && pod.isReady)
            }

            let wide = try await harness.kubectl.run(["get", "pods", "-n", "kube-system", "-o", "wide"])
            let rows = wide.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(rows.first == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"], "\(wide.stdout)")
            for node in fleet.nodes {
                let row = try #require(rows.first { $0.contains(node.name) }, "\(wide.stdout)")
                #expect(row[1...3] == ["1/1", "Running", "0"] && row[5] == node.ip, "\(row)")
            }
        }
    }

    @Test("a version that fails on one node stops the rollout there; the other nodes keep their file")
    func nodeSpecificFailure() async throws {
        var nodes = FleetNodeSpec.standard(count: 3)
        nodes[1].missingPlugins = ["tuning"]
        try await FleetHarness.with(nodes: nodes) { harness in
            let fleet = harness.fleet
            let before = try fleet.nodes.map { try harness.render("eni-config.yaml", on: $0) }
            try fleet.sandbox.seed(manifest: try example("eni-config-tuning.yaml"))

            #expect(try await harness.kubectl.run(Self.restart).status == 0)
            let daemonSet = try #require(fleet.daemonSet)
            let (first, failing, untouched) = (fleet.nodes[0], fleet.nodes[1], fleet.nodes[2])
            try await harness.eventually("the failing node's replacement pod to run") {
                harness.pod(on: failing)?.revision == daemonSet.revision && harness.pod(on: failing)?.status == "Running"
            }
            // kubectl sees the rollout stuck: maxUnavailable is 1 and that one never becomes Ready.
            let stuck = try await harness.kubectl.run(Self.status + ["--timeout=8s"], timeout: .seconds(20))
            #expect(stuck.status != 0)
            #expect(stuck.stdout.contains("Waiting for daemon set \"terway-eniip\" rollout to finish: 2 out of 3 new pods have been updated..."), "\(stuck.stdout)")

            #expect(first.nodeFile() == (try harness.render("eni-config-tuning.yaml", on: first)))
            #expect(failing.nodeFile() == before[1], "the failing node keeps its file")
            #expect(untouched.nodeFile() == before[2], "the node after it keeps its file")
            #expect(harness.pod(on: failing)?.isReady == false)
            let old = try #require(harness.pod(on: untouched))
            #expect(old.revision != daemonSet.revision && old.isReady, "the rollout never reached \(untouched.name)")

            // The reason is where the operator looks: the failing agent's /status.
            let status = try await harness.agentStatus(on: failing)
            let latest = try #require(status["latest"] as? [String: Any])
            let diagnostics = try #require(latest["diagnostics"] as? [[String: Any]])
            #expect(latest["valid"] as? Bool == false)
            #expect(diagnostics.contains { $0["rule"] as? String == "plugin-binary-missing" })
        }
    }
}
