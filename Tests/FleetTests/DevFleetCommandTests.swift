import Foundation
import Testing
import TestSupport

/// `eni-config-dev fleet` as a user starts it, driven with the real kubectl: the issue's
/// "done when" on the command itself (the library's behaviour is in the other suites).
@Suite("eni-config-dev fleet", .serialized, .timeLimit(.minutes(3)))
struct DevFleetCommandTests {
    @Test("kubectl rollout restart and rollout status complete on it and every node file holds the new render; SIGTERM stops every agent")
    func rolloutRestart() async throws {
        let directory = TemporaryDirectory()
        let kubeconfig = directory.path + "/kubeconfig"
        let stderrPath = directory.path + "/fleet.err"
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FleetHarness.binary("eni-config-dev"))
        process.arguments = [
            "fleet", "--nodes", "3", "--kubeconfig-out", kubeconfig, "--agent", FleetHarness.binary("eni-config-agent"),
            "--max-unavailable", "1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        defer { if process.isRunning { process.interrupt() } }
        func stderr() -> String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        let deadline = ContinuousClock.now + .seconds(60)
        while !stderr().contains("every terway-eniip pod Ready"), process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(stderr().contains("3 nodes, every terway-eniip pod Ready"), "\(stderr())")
        let roots = try #require(stderr().split(separator: "\n").first { $0.contains("node roots under ") }
            .map { String($0[$0.range(of: "node roots under ")!.upperBound...]) })

        let kubectl = try Kubectl(kubeconfigYAML: try String(contentsOfFile: kubeconfig, encoding: .utf8))
        let pods = try await kubectl.run(["get", "pods", "-n", "kube-system", "-o", "wide"])
        #expect(pods.status == 0 && pods.stdout.split(separator: "\n").filter { $0.contains(" Running ") }.count == 3, "\(pods.stdout)\(pods.stderr)")
        let edit = try await kubectl.run(["apply", "-f", repositoryRoot.appendingPathComponent("examples/eni-config-tuning.yaml").path])
        #expect(edit.status == 0, "\(edit.stderr)")
        let restart = try await kubectl.run(["rollout", "restart", "daemonset", "terway-eniip", "-n", "kube-system"])
        #expect(restart.status == 0, "\(restart.stderr)")
        let status = try await kubectl.run(["rollout", "status", "daemonset", "terway-eniip", "-n", "kube-system", "--timeout=90s"], timeout: .seconds(100))
        #expect(status.status == 0 && status.stdout.contains("successfully rolled out"), "\(status.stdout)\(status.stderr)")

        let files = try (1...3).map { try String(contentsOfFile: "\(roots)/node-\($0)/etc/cni/net.d/10-terway.conflist", encoding: .utf8) }
        #expect(files.allSatisfy { $0.contains("\"type\": \"tuning\"") && !$0.contains("portmap") }, "\(files)")
        let diff = try await kubectl.plugin("eni-config", ["diff"], pluginDirectory: PluginTests.pluginDirectory)
        #expect(diff.status == 0 && diff.stderr.contains("0 of 3 nodes differ"), "every node file is the live render: \(diff.stdout)\(diff.stderr)")

        process.terminate()
        let stopped = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < stopped { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning && process.terminationStatus == 0, "\(stderr())")
        let agents = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { Int($0) != nil }.filter { pid in
            let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
            return commandLine.contains(roots)
        }
        #expect(agents.isEmpty, "no agent outlives the fleet: \(agents)")
    }
}
