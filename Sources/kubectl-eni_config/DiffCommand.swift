import ArgumentParser
import CommandLineSupport
import ENIConfigPlugin
import Foundation

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Which nodes' files differ from what the live ConfigMap renders for them.",
        discussion: """
            Each agent renders the live ConfigMap for its own node (its facts, its binaries) and reports that render's \
            sha256 beside the node file's. Exit status 0 when every node file is the live render, 1 otherwise.
            """)

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        let status = try await cluster.withCluster { try await $0.fleetStatus() }
        var differing = 0
        for row in status.rows {
            let agent = row.agent
            let line: String
            switch (agent?.nodeFile?.sha256, agent?.latest) {
            case (_, nil):
                line = "?  \(row.node): \(row.unreachable.map { "unreachable: \($0)" } ?? "no version seen yet")"
            case (let file, let latest?) where !latest.valid:
                line = "!  \(row.node): resourceVersion \(latest.resourceVersion ?? "?") is invalid here; the file (\(file.map(FleetStatus.short) ?? "absent")) stays"
            case (let file, let latest?) where file == latest.sha256:
                line = "=  \(row.node): \(FleetStatus.short(file ?? ""))"
            case (let file, let latest?):
                line = "~  \(row.node): file \(file.map(FleetStatus.short) ?? "absent"), live render \(latest.sha256.map(FleetStatus.short) ?? "?")\(agent?.pending == true ? " (pending a restart)" : "")"
            }
            if !line.hasPrefix("=") { differing += 1 }
            print(line)
        }
        Console.error("\(differing) of \(status.rows.count) nodes differ from \(cluster.configmap) resourceVersion \(status.configMapResourceVersion ?? "?")")
        if differing > 0 { throw ExitCode(ExitStatus.invalidOrDifferent) }
    }
}
