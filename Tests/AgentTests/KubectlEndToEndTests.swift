import Agent
import Foundation
import Testing

/// What an operator does: change the ConfigMap with the real `kubectl` while `run` watches in
/// live mode, over HTTPS with the sandbox's generated CA and a bearer token.
@Suite(.serialized) struct KubectlEndToEndTests {
    @discardableResult
    private func kubectl(_ arguments: [String], kubeconfig: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["kubectl", "--kubeconfig", kubeconfig] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "kubectl \(arguments.joined(separator: " ")): \(text)")
        return text
    }

    @Test func kubectlApplyAndPatchReachTheNodeFile() async throws {
        let harness = try await AgentHarness.start(mode: .live)
        defer { Task { await harness.stop() } }
        try await harness.eventually("the portmap chain") { harness.nodeFile()?.contains("\"portmap\"") == true }

        try kubectl(["apply", "-f", repositoryRoot.appendingPathComponent("examples/eni-config-tuning.yaml").path], kubeconfig: harness.kubeconfigPath)
        try await harness.eventually("the tuning chain after kubectl apply") { harness.nodeFile()?.contains("\"tuning\"") == true }

        // A merge patch that chains bandwidth-free portmap after terway again, as `kubectl patch` users write it.
        let conflist = #"{"plugins": [{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}, {"type": "portmap", "snat": true, "capabilities": {"portMappings": true}}]}"#
        let patch = try JSONSerialization.data(withJSONObject: ["data": ["10-terway.conflist": conflist]])
        try kubectl(["patch", "cm", "eni-config", "-n", "kube-system", "--type", "merge", "-p", String(decoding: patch, as: UTF8.self)], kubeconfig: harness.kubeconfigPath)
        try await harness.eventually("the patched chain") { harness.nodeFile()?.contains("\"snat\": true") == true }

        // The agent's Events are what `kubectl describe cm` shows the operator.
        try await harness.eventually("Applied events") {
            harness.sandbox.events(namespace: "kube-system").filter { $0.reason == "Applied" }.count >= 3
        }
        let events = try kubectl(["get", "events", "-n", "kube-system"], kubeconfig: harness.kubeconfigPath)
        #expect(events.contains("Applied"))
    }

    @Test func anInvalidKubectlEditIsRejectedAndTheFileStays() async throws {
        let harness = try await AgentHarness.start(mode: .live)
        defer { Task { await harness.stop() } }
        try await harness.eventually("the first file") { harness.nodeFile() != nil }
        let before = harness.nodeFile()
        // The edit a hurried operator makes: a trailing comma, which every Go reader on the node rejects.
        let broken = #"{"plugins": [{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}},]}"#
        let patch = try JSONSerialization.data(withJSONObject: ["data": ["10-terway.conflist": broken]])
        try kubectl(["patch", "cm", "eni-config", "-n", "kube-system", "--type", "merge", "-p", String(decoding: patch, as: UTF8.self)], kubeconfig: harness.kubeconfigPath)
        try await harness.eventually("the rejection") { await harness.status().latest?.valid == false }
        #expect(harness.nodeFile() == before)
        let diagnostics = await harness.status().latest?.diagnostics ?? []
        #expect(diagnostics.contains { $0.rule == .jsonSyntax && $0.key == "10-terway.conflist" && $0.line == 1 })
    }
}

/// SIGTERM stops `run` promptly with exit 0 and leaves the node file in place.
@Suite struct SignalTests {
    @Test func sigtermExitsZeroWithinFiveSecondsAndKeepsTheFile() async throws {
        let harness = try await AgentHarness.start(mode: .live)
        defer { Task { await harness.stop() } }
        let cniDirectory = harness.directory.appendingPathComponent("child-net.d").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eni-config-agent")
        process.arguments = [
            "run", "--kubeconfig", harness.kubeconfigPath, "--node-name", "node-b", "--apply", "live",
            "--cni-dir", cniDirectory, "--cni-bin-dir", harness.directory.appendingPathComponent("bin").path,
            "--state-dir", harness.directory.appendingPathComponent("child-state").path, "--listen", "127.0.0.1:0",
        ]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let nodeFile = cniDirectory + "/10-terway.conflist"
        try await harness.eventually("the child agent's node file") { FileManager.default.fileExists(atPath: nodeFile) }
        let signalled = ContinuousClock.now
        kill(process.processIdentifier, SIGTERM)
        try await harness.eventually("the child to exit", timeout: .seconds(5)) { !process.isRunning }
        #expect(ContinuousClock.now - signalled < .seconds(5))
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: nodeFile))
    }

    @Test func runWithoutAnyClusterSaysSoAndExitsTwo() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eni-config-agent")
        process.arguments = ["run", "--node-name", "n"]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(text.contains("no cluster to talk to"))
    }
}
