import ArgumentParser
import CommandLineSupport
import ENIConfig
import ENIConfigPlugin
import Foundation

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate the live ConfigMap with the rules that hold on every node.",
        discussion: "What fails on some nodes only (a plugin binary, the kernel) shows in `status` and stops `rollout` at its canary.")

    @OptionGroup var cluster: ClusterOptions

    @Option(name: [.customShort("o"), .long], help: "text or json (the diagnostics as a JSON array).")
    var output = OutputFormat.text

    func run() async throws {
        let (version, evaluation) = try await cluster.withCluster { cluster -> (String, Evaluation) in
            guard let configMap = try await cluster.configMap() else {
                Console.error("error: ConfigMap \(cluster.namespace)/\(cluster.configMapName) does not exist")
                throw ExitCode(ExitStatus.usageOrIO)
            }
            let data = ConfigMapData(data: configMap.data, binaryDataKeys: configMap.binaryDataKeys, resourceVersion: configMap.resourceVersion)
            return (configMap.resourceVersion, ENIConfig.evaluate(data))
        }
        switch output {
        case .json:
            try printJSON(evaluation.diagnostics)
        case .text:
            for diagnostic in evaluation.diagnostics { Console.error(diagnostic.description) }
            let verdict = evaluation.isValid ? "valid" : "invalid"
            Console.error("\(cluster.namespace)/\(cluster.configmap) resourceVersion \(version): \(verdict) (\(evaluation.diagnostics.errors.count) errors, \(evaluation.diagnostics.warnings.count) warnings)")
        }
        if !evaluation.isValid { throw ExitCode(ExitStatus.invalidOrDifferent) }
    }
}
