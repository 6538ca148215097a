import ArgumentParser
import CommandLineSupport
import ENIConfigPlugin
import Foundation
import KubeAPI

/// `kubectl eni-config`: the fleet's view of eni-config and a rollout that stops at the first bad node.
@main
struct EniConfigPlugin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubectl eni-config",
        abstract: "See, check and roll out kube-system/eni-config across the nodes' eni-config agents.",
        discussion: "Exit status: 0 settled / valid / done, 1 not settled / invalid / stopped at a node, 2 usage or I/O error.",
        subcommands: [StatusCommand.self, InspectCommand.self, ValidateCommand.self, DiffCommand.self, ChainCommand.self, RolloutCommand.self])

    static func main() async {
        await mainWithContractExitCodes()
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Where the cluster is and which objects are the agent's, as kubectl plugins take them.
struct ClusterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster).", valueName: "path"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("The kubeconfig context (default: its current-context).", valueName: "name"))
    var context: String?

    @Option(name: [.customShort("n"), .long], help: "The namespace of the ConfigMap and the DaemonSet.")
    var namespace = "kube-system"

    @Option(help: "The agents' DaemonSet.")
    var daemonset = "terway-eniip"

    @Option(help: "The ConfigMap the agents read.")
    var configmap = "eni-config"

    /// Runs `body` with a client for the chosen cluster; connection problems end the command with 2.
    func withCluster<T>(_ body: (PluginCluster) async throws -> T) async throws -> T {
        var environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"].map { $0 + "/.kube/config" }
        if kubeconfig == nil, (environment["KUBECONFIG"] ?? "").isEmpty, let home, FileManager.default.fileExists(atPath: home) {
            environment["KUBECONFIG"] = home
        }
        let connection: ClusterConnection
        do {
            connection = try ClusterConnection.resolve(kubeconfig: kubeconfig, context: context, environment: environment)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
        let client = KubeClient(connection: connection, configuration: .init(userAgent: "kubectl-eni_config"))
        let cluster = PluginCluster(client: client, namespace: namespace, daemonSetName: daemonset, configMapName: configmap)
        do {
            let result = try await body(cluster)
            try? await client.shutdown()
            return result
        } catch let exit as ExitCode {
            try? await client.shutdown()
            throw exit
        } catch {
            try? await client.shutdown()
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
