import ArgumentParser
import CommandLineSupport
import ConfigMapSource
import ENIConfig
import FoundationEssentials
import NodeFiles

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Validate an eni-config ConfigMap and atomically write <cni-dir>/10-terway.conflist.",
        discussion: "An invalid config writes nothing and leaves the node file as it was; identical bytes are not rewritten.")

    @OptionGroup var configMap: ConfigMapOptions

    @Option(help: ArgumentHelp("The CNI configuration directory; created when missing, never recreated.", valueName: "dir"))
    var cniDir = "/etc/cni/net.d"

    @Option(help: ArgumentHelp("Where the chained plugins' binaries must be.", valueName: "dir"))
    var cniBinDir = "/opt/cni/bin"

    @Option(help: ArgumentHelp("Also record the written file as last-good here.", valueName: "dir"))
    var stateDir: String?

    @Flag(help: "Print the rendered file on standard output instead of writing it.")
    var stdout = false

    func run() throws {
        let source = try configMap.load()
        let evaluation = evaluate(source.data)
        var diagnostics = evaluation.diagnostics
        if let conflist = evaluation.conflist {
            diagnostics += checkPluginBinaries(conflist.pluginTypes, in: cniBinDir)
        }
        guard let conflist = evaluation.conflist, !diagnostics.hasErrors else {
            let report = DiagnosticReport(source: source, diagnostics: diagnostics)
            report.printText()
            Console.error("\(source.origin): invalid: \(report.summary); nothing written")
            throw ExitCode(ExitStatus.invalidOrDifferent)
        }
        if stdout {
            DiagnosticReport(source: source, diagnostics: diagnostics).printText()
            Console.output(bytes: conflist.bytes)
            return
        }

        let directory = CNIDirectory(path: cniDir)
        let outcome: WriteOutcome
        do {
            outcome = try directory.write(conflist)
            if let stateDir {
                try LastGoodStore(directory: stateDir).record(conflist, resourceVersion: source.data.resourceVersion, appliedAt: Date())
            }
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
        // The directory is inspected after the write: the write itself removes a stale 10-terway.conf.
        diagnostics += directory.inspect()
        DiagnosticReport(source: source, diagnostics: diagnostics).printText()
        Console.error("\(directory.nodeFilePath): \(outcome.wroteNodeFile ? "written" : "unchanged") (sha256 \(conflist.sha256))")
        if outcome.removedStaleConf {
            Console.error("\(cniDir)/\(ConfigMapData.confKey): removed (it sorted before 10-terway.conflist and would shadow it)")
        }
    }
}
