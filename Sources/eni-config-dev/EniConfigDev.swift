import AgentVersion
import ArgumentParser
import CommandLineSupport

/// The development executable: a sandbox API server to point the agent and kubectl at, and the
/// demo. Never shipped; it links the sandbox, which the agent must not.
@main
struct EniConfigDev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eni-config-dev",
        abstract: "Try eni-config-agent without a cluster: an in-memory API server, and a demo of the agent at work.",
        version: BuildVersion.description,
        subcommands: [DemoCommand.self, SandboxCommand.self, FleetCommand.self]
    )

    static func main() async {
        await mainWithContractExitCodes()
    }
}
