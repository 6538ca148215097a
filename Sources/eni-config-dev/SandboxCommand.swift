import ArgumentParser
import CommandLineSupport
import KubeSandbox
import Logging
import ServiceLifecycle

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve an in-memory Kubernetes API server on loopback (ConfigMaps, Events, watch) for trying the agent and kubectl.",
        discussion: """
            HTTPS with a CA generated at start and a bearer token, both written into --kubeconfig-out; \
            --insecure-http serves plain HTTP without authentication instead. Stops on SIGTERM or SIGINT.
            """)

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: ArgumentHelp("A manifest of ConfigMaps to start with (e.g. examples/eni-config.yaml).", valueName: "path"))
    var seed: String?

    @Option(help: ArgumentHelp("Write a kubeconfig for this sandbox here (mode 0600: it holds the token).", valueName: "path"))
    var kubeconfigOut: String?

    @Flag(help: "Plain HTTP without authentication instead of HTTPS with a token.")
    var insecureHttp = false

    func run() async throws {
        let configuration = SandboxConfiguration(
            port: port, transport: insecureHttp ? .insecureHTTP : .https(token: SandboxConfiguration.randomToken()))
        let service = SandboxService(configuration: configuration, seed: seed, kubeconfigOut: kubeconfigOut)
        var logger = Logger(label: "eni-config-agent.sandbox")
        logger.logLevel = .warning
        do {
            try await ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
    }
}

/// The sandbox as a service, so SIGTERM and SIGINT stop it cleanly.
private struct SandboxService: Service {
    let configuration: SandboxConfiguration
    let seed: String?
    let kubeconfigOut: String?

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await Sandbox.run(configuration: configuration, seedPath: seed, kubeconfigOut: kubeconfigOut) { sandbox in
                Console.error("sandbox API server listening at \(sandbox.endpoint?.absoluteString ?? "?")")
                if let kubeconfigOut {
                    Console.error("try: kubectl --kubeconfig \(kubeconfigOut) get cm -n kube-system")
                }
            }
        }
    }
}
