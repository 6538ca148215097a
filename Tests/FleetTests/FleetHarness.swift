import Fleet
import Foundation
import KubeSandbox
import TestSupport
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

func example(_ name: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("examples/\(name)"), encoding: .utf8)
}

/// A fleet of real agents started for one test, with kubectl pointed at it, torn down after.
struct FleetHarness {
    let fleet: Fleet
    let kubectl: Kubectl

    /// The built binaries sit beside the test bundle.
    static func binary(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }

    static func with(
        nodes: [FleetNodeSpec], seed: String = "eni-config.yaml", maxUnavailable: String? = "1", applyMode: String? = nil,
        _ body: (FleetHarness) async throws -> Void
    ) async throws {
        let directory = TemporaryDirectory()
        let fleet = try await Fleet.start(FleetConfiguration(
            nodes: nodes, agentExecutable: binary("eni-config-agent"), directory: directory.path,
            daemonSetManifest: try String(contentsOfFile: FleetConfiguration.repositoryDaemonSet, encoding: .utf8),
            seedManifest: try example(seed), applyMode: applyMode, maxUnavailable: maxUnavailable,
            probePeriod: .milliseconds(250)))
        do {
            let harness = FleetHarness(fleet: fleet, kubectl: try Kubectl(kubeconfigYAML: fleet.sandbox.kubeconfigYAML()))
            try await fleet.waitUntilRolledOut(timeout: .seconds(30))
            try await body(harness)
        } catch {
            await fleet.shutdown()
            throw error
        }
        await fleet.shutdown()
        withExtendedLifetime(directory) {}
    }

    /// What `eni-config-agent render --stdout` writes for this ConfigMap on this node.
    func render(_ exampleName: String, on node: FleetNode) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary("eni-config-agent"))
        process.arguments = [
            "render", "--configmap", repositoryRoot.appendingPathComponent("examples/\(exampleName)").path,
            "--host-root", node.root, "--cni-bin-dir", node.binDirectory, "--stdout",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "render \(exampleName) on \(node.name)")
        return String(decoding: data, as: UTF8.self)
    }

    /// Polls until `condition` holds; fails the test with `what` after `timeout`.
    func eventually(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what)")
        throw FleetError.timeout(what)
    }

    func pod(on node: FleetNode) -> SandboxPod? {
        fleet.sandbox.pods(namespace: Fleet.namespace).first { $0.nodeName == node.name }
    }

    /// The agent's `/status` on this node, read as an operator would: through the API server's pod proxy.
    func agentStatus(on node: FleetNode) async throws -> [String: Any] {
        let name = try #require(pod(on: node)?.name)
        let result = try await kubectl.run(["get", "--raw", "/api/v1/namespaces/kube-system/pods/\(name):10290/proxy/status"])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }
}
