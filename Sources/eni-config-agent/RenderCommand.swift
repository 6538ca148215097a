import ArgumentParser
import CommandLineSupport
import ConfigMapSource
import ENIConfig
import FoundationEssentials
import NodeFiles

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Validate an eni-config ConfigMap and atomically write <cni-dir>/10-terway.conflist as Terway renders it for this node.",
        discussion: """
            The node file is byte for byte what Terway's own renderer writes on this node (its facts are read under \
            --host-root). An invalid config, or one Terway would fail on here, writes nothing and leaves the node file \
            as it was; identical bytes are not rewritten.
            """)

    @OptionGroup var configMap: ConfigMapOptions

    @Option(help: ArgumentHelp("The CNI configuration directory; created when missing, never recreated.", valueName: "dir"))
    var cniDir = "/etc/cni/net.d"

    @Option(help: ArgumentHelp("Where the chained plugins' binaries must be.", valueName: "dir"))
    var cniBinDir = "/opt/cni/bin"

    @Option(help: ArgumentHelp("Also record the written file as last-good here.", valueName: "dir"))
    var stateDir: String?

    @OptionGroup var node: NodeOptions

    @Flag(help: "Print the rendered file on standard output instead of writing it.")
    var stdout = false

    func run() throws {
        let source = try configMap.load()
        let target = NodeTarget(
            directory: CNIDirectory(path: cniDir), binDirectory: cniBinDir, hostRoot: node.hostRoot,
            autoDataPathV2: node.featureGates.autoDataPathV2, lastGood: stateDir.map(LastGoodStore.init(directory:)))
        let evaluation = target.evaluate(source.data, facts: try node.readFacts())
        guard let conflist = evaluation.conflist else {
            let report = DiagnosticReport(source: source, diagnostics: evaluation.diagnostics)
            report.printText()
            Console.error("\(source.origin): invalid: \(report.summary); nothing written")
            throw ExitCode(ExitStatus.invalidOrDifferent)
        }
        if stdout {
            DiagnosticReport(source: source, diagnostics: evaluation.diagnostics).printText()
            Console.output(bytes: conflist.bytes)
            return
        }

        let report: NodeApplyReport
        do {
            report = try target.apply(conflist, resourceVersion: source.data.resourceVersion, at: Date())
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
        DiagnosticReport(source: source, diagnostics: evaluation.diagnostics + report.findings).printText()
        Console.error("\(target.directory.nodeFilePath): \(report.outcome.wroteNodeFile ? "written" : "unchanged") (sha256 \(conflist.sha256))")
        if report.outcome.removedStaleConf {
            Console.error("\(cniDir)/\(ConfigMapData.confKey): removed (it sorted before 10-terway.conflist and would shadow it)")
        }
        for warning in report.warnings {
            Console.error("warning: the node file is written, but: \(warning)")
        }
    }
}
