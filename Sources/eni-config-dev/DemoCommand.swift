import Agent
import ArgumentParser
import CommandLineSupport
import ENIConfig
import Foundation
import KubeAPI
import KubeSandbox
import Logging

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "See the agent work end to end without a cluster: an in-process sandbox API server, the agent in live mode, three edits.",
        discussion: """
            Seeds the sandbox with --seed, runs the agent into <dir>/net.d, then changes the ConfigMap through the API to \
            --next (applied live) and to --invalid (rejected: the file stays), printing each node file and the status.
            """)

    @Option(help: ArgumentHelp("The ConfigMap to start with.", valueName: "path"))
    var seed = "examples/eni-config.yaml"

    @Option(help: ArgumentHelp("A valid edit, applied live.", valueName: "path"))
    var next = "examples/eni-config-tuning.yaml"

    @Option(help: ArgumentHelp("An invalid edit, which must not reach the node.", valueName: "path"))
    var invalid = "examples/eni-config-invalid.yaml"

    @Option(help: ArgumentHelp("Where the demo's node files go.", valueName: "dir"))
    var directory = "./demo"

    @Option(help: ArgumentHelp("The node whose facts Terway's render reads: a veth node with a 5.10 kernel.", valueName: "dir"))
    var hostRoot = "examples/node-veth"

    func run() async throws {
        // The demo prints what matters itself; the agent's own log would repeat it.
        LogFormat.text.bootstrap(level: .critical)
        let manifests = try [seed, next, invalid].map { path in
            do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                Console.error("error: \(path): cannot read: \(error.localizedDescription) (run the demo from the repository root, or pass --seed/--next/--invalid)")
                throw ExitCode(ExitStatus.usageOrIO)
            }
        }
        let sandbox = try Sandbox()
        try sandbox.seed(manifest: manifests[0])
        let endpoint = try await sandbox.start()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let kubeconfig = directory + "/kubeconfig"
        try sandbox.writeKubeconfig(to: kubeconfig)
        Console.output("sandbox API server at \(endpoint.absoluteString) (kubeconfig: \(kubeconfig))\n")

        var configuration = AgentConfiguration(nodeName: "demo-node")
        configuration.mode = .live
        configuration.cniDirectory = directory + "/net.d"
        configuration.cniBinDirectory = directory + "/bin"
        configuration.stateDirectory = directory + "/state"
        configuration.hostRoot = hostRoot
        configuration.listenHost = "127.0.0.1"
        configuration.listenPort = 0
        let connection = try ClusterConnection.fromKubeConfig(paths: [kubeconfig], context: nil)
        let runtime = AgentRuntime(configuration: configuration, connection: connection, logger: Logger(label: "eni-config-agent"))
        let agent = Task { try await runtime.run(gracefulShutdownSignals: []) }

        let first = try await waitForApplied(runtime.state) { _ in true }
        try show("1. seeded \(seed): the agent wrote", runtime.state, first)

        try sandbox.seed(manifest: manifests[1])
        let second = try await waitForApplied(runtime.state) { $0.conflist.sha256 != first.conflist.sha256 }
        try show("2. applied \(next) through the API: live mode wrote", runtime.state, second)

        try sandbox.seed(manifest: manifests[2])
        try await waitFor("the invalid edit to be rejected") { await runtime.state.status().latest?.valid == false }
        // The rejection's Event is posted after the status changes: wait for it, so the list below has it.
        try await waitFor("the rejection's Event") {
            sandbox.events(namespace: "kube-system").contains { $0.type == "Warning" && $0.reason == "InvalidConfig" }
        }
        let status = await runtime.state.status()
        Console.output("\n== 3. applied \(invalid): rejected, the node file keeps sha256 \(second.conflist.sha256.prefix(12))\n")
        for diagnostic in status.latest?.diagnostics ?? [] { Console.output("   \(diagnostic)\n") }
        let onDisk = try runtime.state.directory.currentNodeFile()
        guard onDisk == second.conflist.bytes else {
            Console.error("error: the node file changed after an invalid edit")
            throw ExitCode(ExitStatus.invalidOrDifferent)
        }
        Console.output("\n== status (GET /status on port \(runtime.listeningPort.map(String.init) ?? "?"))\n")
        Console.output(try statusJSON(status))
        Console.output("\nevents posted: \(sandbox.events(namespace: "kube-system").map { "\($0.type)/\($0.reason)" }.joined(separator: ", "))\n")

        await runtime.stop()
        try await agent.value
        await sandbox.shutdown()
    }

    private func show(_ title: String, _ state: AgentState, _ applied: AppliedVersion) throws {
        Console.output("\n== \(title) \(state.directory.nodeFilePath) (resourceVersion \(applied.resourceVersion ?? "?"), sha256 \(applied.conflist.sha256.prefix(12)))\n")
        Console.output(applied.conflist.text)
    }

    private func waitForApplied(_ state: AgentState, _ accept: @escaping @Sendable (AppliedVersion) -> Bool) async throws -> AppliedVersion {
        var found: AppliedVersion?
        try await waitFor("the agent to write the node file") {
            found = await state.applied.flatMap { accept($0) ? $0 : nil }
            return found != nil
        }
        return found!
    }

    private func waitFor(_ what: String, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Console.error("error: timed out waiting for \(what)")
        throw ExitCode(ExitStatus.usageOrIO)
    }

    private func statusJSON(_ status: AgentStatus) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(status), as: UTF8.self) + "\n"
    }
}
