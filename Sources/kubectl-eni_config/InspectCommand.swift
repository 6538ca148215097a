import ArgumentParser
import CommandLineSupport
import ENIConfig
import ENIConfigPlugin
import Foundation

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "One node closely: its file, its CNI-directory findings, and the diff against what belongs there.",
        discussion: """
            Reads the agent's /nodefile through the API server's pod proxy. What belongs in the file is the live \
            version's render for this node, or the last good render when the live version is invalid here. \
            Exit status 0 when the file is what belongs there and there are no error findings, 1 otherwise.
            """)

    @OptionGroup var cluster: ClusterOptions

    @Argument(help: "The node's name.")
    var node: String

    @Option(name: [.customShort("o"), .long], help: "text or json.")
    var output = OutputFormat.text

    func run() async throws {
        let inspection = try await cluster.withCluster { try await $0.inspect(node: node) }
        let file = inspection.nodeFile
        let clean = file.matches && file.findings.errors.isEmpty
        switch output {
        case .json:
            try printJSON(inspection)
        case .text:
            print(Self.text(inspection))
        }
        if !clean { throw ExitCode(ExitStatus.invalidOrDifferent) }
    }

    static func text(_ inspection: NodeInspection) -> String {
        let file = inspection.nodeFile
        var lines = ["node \(file.node), pod \(inspection.pod)\(inspection.podReady ? "" : " (not Ready)")"]
        if let unreadable = file.unreadable {
            lines.append("file \(file.path): cannot be read: \(unreadable)")
        } else if let content = file.content, let sha256 = file.sha256 {
            lines.append("file \(file.path) (sha256 \(FleetStatus.short(sha256))):")
            lines.append(content.hasSuffix("\n") ? String(content.dropLast()) : content)
        } else {
            lines.append("file \(file.path): absent")
        }
        lines.append(file.findings.isEmpty ? "findings: none" : "findings:")
        lines += file.findings.map { "  \($0.description)" }
        guard let expected = file.expected else {
            lines.append("what belongs there: unknown (the agent has seen no valid version and has no last good render)")
            return lines.joined(separator: "\n")
        }
        let source = file.basis == "lastGood"
            ? "the last good render\(expected.resourceVersion.map { " (resourceVersion \($0))" } ?? ""): the live version is invalid on this node"
            : "the render of resourceVersion \(expected.resourceVersion ?? "?")\(file.pending ? ", pending a restart" : "")"
        if file.matches {
            lines.append("the file is \(source)")
        } else {
            lines.append("the file differs from \(source):")
            let diff = UnifiedDiff(
                old: file.content ?? "", new: expected.content,
                oldLabel: "\(file.node):\(file.path)", newLabel: "\(file.node): render of resourceVersion \(expected.resourceVersion ?? "?")")
            lines.append(String(diff.render().dropLast()))
        }
        return lines.joined(separator: "\n")
    }
}
