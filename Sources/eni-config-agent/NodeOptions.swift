import ArgumentParser
import CommandLineSupport
import ENIConfig
import NodeFiles

/// Where this node's facts are read, and Terway's feature gates that change its render.
struct NodeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The node's root: its proc/, sys/ and var/run/ are read there for Terway's node facts (kernel, links, MTU, node_capabilities, Cilium's node_config.h).",
        valueName: "dir"))
    var hostRoot = "/"

    @Option(help: ArgumentHelp(
        "Terway's feature gates as Terway takes them (AutoDataPathV2=false); AutoDataPathV2 is read, other gates are accepted and ignored.",
        valueName: "gates"))
    var featureGates: TerwayFeatureGates = TerwayFeatureGates()

    /// The node's facts; unreadable ones end the command with exit code 2.
    func readFacts() throws -> NodeFacts {
        do {
            return try HostFacts.read(hostRoot: hostRoot, autoDataPathV2: featureGates.autoDataPathV2)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(ExitStatus.usageOrIO)
        }
    }
}

/// `Name=true,Other=false`, as Kubernetes components (and terway-cli) take `--feature-gates`.
struct TerwayFeatureGates: ExpressibleByArgument {
    /// Terway's default: on.
    var autoDataPathV2 = true

    init() {}

    init?(argument: String) {
        for pair in argument.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.filter { $0 != " " } }
            guard parts.count == 2, let value = Bool(parts[1].lowercased()) else { return nil }
            if parts[0] == "AutoDataPathV2" { autoDataPathV2 = value }
        }
    }
}
