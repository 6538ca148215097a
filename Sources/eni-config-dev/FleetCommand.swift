import ArgumentParser
import CommandLineSupport
import Fleet
import Foundation
import Logging
import ServiceLifecycle

struct FleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "A simulated cluster: the sandbox with N Nodes and the agent's DaemonSet, one real agent process per node.",
        discussion: """
            Installs deploy/daemonset.yaml as kube-system/terway-eniip and the seed as eni-config, then runs a DaemonSet \
            controller and a kubelet per node: each pod is an eni-config-agent process with its own node root (CNI dir, \
            bin dir, host facts). `kubectl rollout restart|status daemonset terway-eniip -n kube-system`, \
            `kubectl get pods -o wide` and `kubectl eni-config` work against it (docs/fleet.md). Stops, with its agents, \
            on SIGTERM or SIGINT.
            """)

    @Option(help: "How many nodes (and agents).")
    var nodes = 3

    @Option(help: ArgumentHelp("Write a kubeconfig for the fleet's API server here (mode 0600: it holds the token).", valueName: "path"))
    var kubeconfigOut: String

    @Option(help: ArgumentHelp("The eni-config-agent binary the pods run (default: the one beside this executable).", valueName: "path"))
    var agent: String?

    @Option(help: ArgumentHelp("The agents' --apply: on-start (the DaemonSet's) or live.", valueName: "mode"))
    var apply: ApplyChoice?

    @Option(help: ArgumentHelp("The manifest installed before the agents start (default: the repository's examples/eni-config.yaml).", valueName: "path"))
    var seed: String?

    @Option(help: ArgumentHelp("The DaemonSet's rolling update maxUnavailable (default: the manifest's).", valueName: "n or n%"))
    var maxUnavailable: String?

    enum ApplyChoice: String, ExpressibleByArgument, CaseIterable {
        case onStart = "on-start"
        case live
    }

    func validate() throws {
        guard (1...5000).contains(nodes) else { throw ValidationError("--nodes must be 1 to 5000") }
    }

    func run() async throws {
        let agent = agent ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eni-config-agent").path
        let configuration: FleetConfiguration
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eni-config-dev-fleet-\(getpid())").path
        do {
            guard FileManager.default.isExecutableFile(atPath: agent) else {
                throw FleetError.agent("\(agent) is not an executable file; build it (swift build --product eni-config-agent) or name it with --agent")
            }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            configuration = FleetConfiguration(
                nodes: FleetNodeSpec.standard(count: nodes), agentExecutable: agent, directory: directory,
                daemonSetManifest: try String(contentsOfFile: FleetConfiguration.repositoryDaemonSet, encoding: .utf8),
                seedManifest: try String(contentsOfFile: seed ?? FleetConfiguration.repositorySeed, encoding: .utf8),
                applyMode: apply?.rawValue, maxUnavailable: maxUnavailable)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
        var logger = Logger(label: "eni-config-dev.fleet")
        logger.logLevel = .warning
        let service = FleetService(configuration: configuration, kubeconfigOut: kubeconfigOut)
        do {
            try await ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
            try? FileManager.default.removeItem(atPath: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
    }
}

/// The fleet as a service: started, announced once every pod is Ready, stopped with its agents
/// on SIGTERM or SIGINT.
private struct FleetService: Service {
    let configuration: FleetConfiguration
    let kubeconfigOut: String

    func run() async throws {
        let fleet = try await Fleet.start(configuration)
        do {
            try fleet.sandbox.writeKubeconfig(to: kubeconfigOut)
            Console.error("fleet API server at \(fleet.sandbox.endpoint?.absoluteString ?? "?"); node roots under \(configuration.directory)/nodes")
            try await fleet.waitUntilRolledOut(timeout: .seconds(60 + 2 * configuration.nodes.count))
            Console.error("""
                \(fleet.nodes.count) nodes, every terway-eniip pod Ready. Try:
                  kubectl --kubeconfig \(kubeconfigOut) get pods -n kube-system -o wide
                  kubectl --kubeconfig \(kubeconfigOut) rollout restart daemonset terway-eniip -n kube-system
                  kubectl --kubeconfig \(kubeconfigOut) eni-config status
                """)
            try await gracefulShutdown()
        } catch {
            await fleet.shutdown()
            if error is CancellationError { return }
            throw error
        }
        await fleet.shutdown()
    }
}
