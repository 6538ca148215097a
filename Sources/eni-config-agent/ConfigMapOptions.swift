import ArgumentParser
import CommandLineSupport
import ConfigMapSource
import ENIConfig

/// `--configmap PATH` and what every offline command does first: read it and evaluate it.
struct ConfigMapOptions: ParsableArguments {
    @Option(
        name: .customLong("configmap"),
        help: ArgumentHelp(
            "A ConfigMap manifest (YAML or JSON, as `kubectl get cm -o yaml` prints it), a mounted ConfigMap directory, or - for standard input.",
            valueName: "path"))
    var path: String

    /// Reads and evaluates the ConfigMap; an unreadable input ends the command with exit code 2.
    func load() throws -> LoadedConfigMap {
        do {
            return try ConfigMapInput.load(path)
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.usageOrIO)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
