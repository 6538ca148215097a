import ArgumentParser
import CommandLineSupport
import ENIConfigPlugin
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The DaemonSet and every node's agent: Ready, applied render, pending, latest verdict, findings.",
        discussion: """
            Reads each agent's /status through the API server's pod proxy, in parallel (--parallel at once). \
            Exit status 0 when every node is Ready and holds the ConfigMap's current version, 1 otherwise.
            """)

    @OptionGroup var cluster: ClusterOptions

    @Option(name: [.customShort("o"), .long], help: "text or json.")
    var output = OutputFormat.text

    @Option(help: "How many agents are asked at once.")
    var parallel = 16

    @Flag(help: "Print the status again every --interval seconds until interrupted.")
    var watch = false

    @Option(help: ArgumentHelp("Seconds between two views with --watch.", valueName: "seconds"))
    var interval = 2

    func run() async throws {
        let settled = try await cluster.withCluster { cluster in
            while true {
                let status = try await cluster.fleetStatus(parallel: parallel)
                switch output {
                case .json: try printJSON(status)
                case .text: print(status.table + "\n\n" + status.summaryLine)
                }
                guard watch else { return status.isSettled }
                print("")
                try await Task.sleep(for: .seconds(max(interval, 1)))
            }
        }
        if !settled { throw ExitCode(ExitStatus.invalidOrDifferent) }
    }
}
