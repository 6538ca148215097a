#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Agent
import ArgumentParser
import CommandLineSupport
import FoundationEssentials
import KubeAPI
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch kube-system/eni-config and keep <cni-dir>/10-terway.conflist in step with it (the DaemonSet's job).",
        discussion: """
            --apply on-start (default) applies the first valid version seen since start; later edits are reported as \
            pending until the next `kubectl rollout restart`. --apply live applies every valid version. An invalid \
            version is never written; the last good file stays. Endpoints: /healthz /readyz /metrics /status.
            """)

    @Option(help: ArgumentHelp("This node's name (default: $NODE_NAME).", valueName: "name"))
    var nodeName: String?

    @Option(help: ArgumentHelp("A kubeconfig file (default: $KUBECONFIG, else the in-cluster service account).", valueName: "path"))
    var kubeconfig: String?

    @Option(help: ArgumentHelp("The kubeconfig context (default: its current-context).", valueName: "name"))
    var context: String?

    @Option(help: "The ConfigMap's namespace.")
    var namespace = "kube-system"

    @Option(help: "The ConfigMap's name.")
    var configmapName = "eni-config"

    @Option(help: ArgumentHelp("The CNI configuration directory.", valueName: "dir"))
    var cniDir = "/etc/cni/net.d"

    @Option(help: ArgumentHelp("Where the chained plugins' binaries must be.", valueName: "dir"))
    var cniBinDir = "/opt/cni/bin"

    @Option(help: ArgumentHelp("Where the last-good copy is kept.", valueName: "dir"))
    var stateDir = "/var/lib/eni-config-agent"

    @Option(help: ArgumentHelp("When a valid version reaches the node: on-start or live.", valueName: "mode"))
    var apply: ApplyMode = .onStart

    @Option(help: ArgumentHelp(
        "Who else writes the node file: none (this agent alone), or terway (beside terwayd: never create the file, write only differing bytes, put the last good render back over Terway's copy of a rejected version).",
        valueName: "writer"))
    var coexist: Coexistence = .none

    @OptionGroup var nodeOptions: NodeOptions

    @Option(help: ArgumentHelp("Address of the HTTP endpoints.", valueName: "host:port"))
    var listen = "0.0.0.0:9090"

    @Option(help: "Log lines as text or json.")
    var logFormat: LogFormat = .text

    func validate() throws {
        _ = try ListenAddress(listen)
    }

    func run() async throws {
        // A file size limit (ulimit -f, a quota) must make a write fail with EFBIG, which is
        // reported and retried with the previous file in place, not kill the agent with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        logFormat.bootstrap()
        let logger = Logger(label: "eni-config-agent")
        guard let node = nodeName ?? environment["NODE_NAME"], !node.isEmpty else {
            Console.error("error: no node name: pass --node-name or set NODE_NAME (the DaemonSet sets it from spec.nodeName)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
        let connection: ClusterConnection
        do {
            connection = try ClusterConnection.resolve(kubeconfig: kubeconfig, context: context, environment: environment)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
        let address = try ListenAddress(listen)
        var configuration = AgentConfiguration(nodeName: node)
        configuration.namespace = namespace
        configuration.configMapName = configmapName
        configuration.cniDirectory = cniDir
        configuration.cniBinDirectory = cniBinDir
        configuration.stateDirectory = stateDir
        configuration.mode = apply
        configuration.hostRoot = nodeOptions.hostRoot
        configuration.autoDataPathV2 = nodeOptions.featureGates.autoDataPathV2
        configuration.coexistence = coexist
        configuration.listenHost = address.host
        configuration.listenPort = address.port
        configuration.rolloutRestartedAt = environment["ROLLOUT_RESTARTED_AT"].flatMap { $0.isEmpty ? nil : $0 }
        try await AgentRuntime(configuration: configuration, connection: connection, logger: logger).run()
    }
}

extension ApplyMode: ExpressibleByArgument {}

extension Coexistence: ExpressibleByArgument {}

extension LogFormat: ExpressibleByArgument {}

/// `--listen host:port` (`0.0.0.0:9090`, `[::]:9090`, `:9090`).
struct ListenAddress {
    let host: String
    let port: Int

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen \(text): expected host:port, e.g. 0.0.0.0:9090")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }
}
