import Fleet
import Foundation
import KubeSandbox
import Testing

/// The Events a fleet writes for one edit: a verdict every node reaches alike is one Event for
/// the cluster, not one per node; what happens on one node stays that node's Event.
@Suite("Events that scale", .serialized, .timeLimit(.minutes(2)))
struct EventScaleTests {
    @Test("one invalid edit makes one InvalidConfig Event, one valid edit one PendingRestart; a node's own failure is its own")
    func verdictEvents() async throws {
        var nodes = FleetNodeSpec.standard(count: 3)
        nodes[2].missingPlugins = ["tuning"]
        try await FleetHarness.with(nodes: nodes) { harness in
            let sandbox = harness.fleet.sandbox
            func events(_ reason: String, about version: String) -> [SandboxEvent] {
                sandbox.events(namespace: "kube-system").filter { $0.reason == reason && $0.regarding.resourceVersion == version }
            }
            /// Every agent has judged `version` (and so posted, or found posted, its Event).
            func waitForVerdicts(on version: String, _ valid: (FleetNode) -> Bool) async throws {
                for node in harness.fleet.nodes {
                    try await harness.eventually("\(node.name)'s verdict on \(version)") {
                        let latest = try await harness.agentStatus(on: node)["latest"] as? [String: Any]
                        return latest?["resourceVersion"] as? String == version && latest?["valid"] as? Bool == valid(node)
                    }
                }
                // The post follows the verdict; give the last ones time to land before counting.
                try await Task.sleep(for: .seconds(1))
            }

            let invalid = try #require(try sandbox.seed(manifest: try example("eni-config-invalid.yaml")).first?.resourceVersion)
            try await waitForVerdicts(on: invalid) { _ in false }
            let rejected = events("InvalidConfig", about: invalid)
            #expect(rejected.count == 1, "\(rejected.map(\.name))")
            #expect(rejected.first?.name == "eni-config.\(invalid).invalidconfig")
            #expect(rejected.first?.note.contains("plugins[0].capabilities.bandwidth") == true, "\(rejected.first?.note ?? "")")

            let tuning = try #require(try sandbox.seed(manifest: try example("eni-config-tuning.yaml")).first?.resourceVersion)
            try await waitForVerdicts(on: tuning) { $0.name != nodes[2].name }
            let pending = events("PendingRestart", about: tuning)
            #expect(pending.count == 1, "\(pending.map(\.name))")
            #expect(pending.first?.name == "eni-config.\(tuning).pendingrestart")
            // The node without the tuning binary rejects the version for itself, under its own name.
            let own = events("InvalidConfig", about: tuning)
            #expect(own.count == 1 && own.first?.related?.name == nodes[2].name, "\(own.map(\.name))")
            #expect(own.first?.name.hasPrefix("eni-config.\(tuning).") == false)
            #expect(own.first?.note.contains("tuning does not exist") == true)

            // kubectl describe shows one line per verdict, not one per node.
            let described = try await harness.kubectl.run(["describe", "cm", "eni-config", "-n", "kube-system"])
            #expect(described.stdout.components(separatedBy: "PendingRestart").count - 1 == 1, "\(described.stdout)")
        }
    }
}
