import ArgumentParser
import CommandLineSupport
import ENIConfig
import NodeFiles

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how <cni-dir>/10-terway.conflist differs from what the ConfigMap renders to on this node (unified diff).",
        discussion: "Exit code 0 when they are the same, 1 when they differ or the config is invalid.")

    @OptionGroup var configMap: ConfigMapOptions

    @Option(help: ArgumentHelp("The CNI configuration directory.", valueName: "dir"))
    var cniDir = "/etc/cni/net.d"

    @OptionGroup var node: NodeOptions

    func run() throws {
        let source = try configMap.load()
        let evaluation = evaluate(source.data, on: try node.readFacts())
        let report = DiagnosticReport(source: source, diagnostics: evaluation.diagnostics)
        report.printText()
        guard let conflist = evaluation.conflist else {
            Console.error("\(source.origin): invalid: \(report.summary); nothing to compare")
            throw ExitCode(ExitStatus.invalidOrDifferent)
        }
        let directory = CNIDirectory(path: cniDir)
        let current: [UInt8]?
        do {
            current = try directory.currentNodeFile()
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
        guard current != conflist.bytes else { return }
        let diff = UnifiedDiff(
            old: current.map { String(decoding: $0, as: UTF8.self) } ?? "",
            new: conflist.text,
            oldLabel: current == nil ? "/dev/null" : directory.nodeFilePath,
            newLabel: "\(directory.nodeFilePath) (rendered from \(source.origin))")
        Console.output(diff.render())
        throw ExitCode(ExitStatus.invalidOrDifferent)
    }
}
