import AgentVersion
import ArgumentParser
import CommandLineSupport

/// The shipped executable: the commands an operator or the DaemonSet runs, nothing for tests
/// (the sandbox API server and the demo are in `eni-config-dev`).
@main
struct EniConfigAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eni-config-agent",
        abstract: "Validate the kube-system/eni-config ConfigMap and write /etc/cni/net.d/10-terway.conflist safely.",
        discussion: """
            Exit codes: 0 success (valid / written / unchanged / no difference); 1 the config is invalid \
            (nothing was written) or, for diff, the files differ; 2 usage or I/O error.
            """,
        version: BuildVersion.description,
        subcommands: [
            ValidateCommand.self,
            RenderCommand.self,
            DiffCommand.self,
            RunCommand.self,
            WebhookCommand.self,
        ]
    )

    static func main() async {
        await mainWithContractExitCodes()
    }
}
