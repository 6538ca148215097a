import ArgumentParser
import CommandLineSupport
import ENIConfig

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an eni-config ConfigMap against the CNI and Terway rules that hold on every node; write nothing.")

    @OptionGroup var configMap: ConfigMapOptions

    @Option(help: "How to print diagnostics: text on standard error, or json (an array) on standard output.")
    var format: OutputFormat = .text

    func run() throws {
        let source = try configMap.load()
        let evaluation = evaluate(source.data)
        let report = DiagnosticReport(source: source, diagnostics: evaluation.diagnostics)
        try report.print(format)
        guard evaluation.isValid else {
            if format == .text { Console.error("\(source.origin): invalid: \(report.summary)") }
            throw ExitCode(ExitStatus.invalidOrDifferent)
        }
        if format == .text {
            Console.error("\(source.origin): valid on every node: \(report.summary); chain \(describeChain(evaluation.pluginTypes))")
        }
    }
}
