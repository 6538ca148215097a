import ArgumentParser
import CommandLineSupport
import ENIConfig
import ENIConfigPlugin
import Foundation

struct ChainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain",
        abstract: "See and edit the plugin chain of 10-terway.conflist on the live ConfigMap.",
        discussion: """
            Every edit reads the ConfigMap, changes plugins in 10-terway.conflist only, validates the result with the \
            rules that hold on every node, and writes it conditional on the resourceVersion read (a conflict makes it \
            read and edit again). Nothing invalid is written. The conflist is written back with two-space indent, \
            members in their order. The nodes take an edit at their next restart: `kubectl eni-config rollout`.
            """,
        subcommands: [List.self, Add.self, Remove.self, Move.self, Sync.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The chain's plugins in order.")

        @OptionGroup var cluster: ClusterOptions

        @Option(name: [.customShort("o"), .long], help: "text or json.")
        var output = OutputFormat.text

        func run() async throws {
            let plugins = try await cluster.withCluster { try await ChainWriter(cluster: $0).list() }
            switch output {
            case .json:
                try printJSON(plugins.enumerated().map { ListedPlugin(index: $0.offset, type: $0.element.type, configuration: $0.element.configuration) })
            case .text:
                for (index, plugin) in plugins.enumerated() {
                    print("\(index)  \(plugin.type)  \(plugin.configuration)")
                }
            }
        }

        struct ListedPlugin: Encodable {
            var index: Int
            var type: String
            /// The plugin's configuration as JSON text, members in their order.
            var configuration: String
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Insert a plugin (a JSON object with a type) after terway.")

        @OptionGroup var edit: EditOptions

        @Argument(help: ArgumentHelp(#"The plugin, e.g. '{"type": "tuning", "sysctl": {"net.core.somaxconn": "1024"}}'."#, valueName: "json"))
        var plugin: String

        @Option(help: "Its place: 1 is right after terway (default: the end).")
        var at: Int?

        func run() async throws {
            try await edit.perform(.add(plugin: plugin, at: at))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Take a plugin out of the chain, by its type or its place.",
            discussion: """
                Removing portmap or bandwidth warns, naming the pods not yet finished that use a hostPort or a \
                kubernetes.io/ingress-bandwidth or egress-bandwidth annotation: their node's rules are not torn down \
                when the plugin is gone from their DEL.
                """)

        @OptionGroup var edit: EditOptions

        @Argument(help: ArgumentHelp("The plugin's type, or its place (1 is right after terway).", valueName: "plugin"))
        var plugin: String

        func run() async throws {
            try await edit.perform(.remove(PluginReference(plugin)))
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "move", abstract: "Move a plugin to another place after terway.")

        @OptionGroup var edit: EditOptions

        @Argument(help: ArgumentHelp("The plugin's type, or its place.", valueName: "plugin"))
        var plugin: String

        @Option(help: "Its new place: 1 is right after terway.")
        var to: Int

        func run() async throws {
            try await edit.perform(.move(PluginReference(plugin), to: to))
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Make plugins[0] the configuration of 10-terway.conf again.",
            discussion: "Terway reads the conflist and never compares it with 10-terway.conf: edit 10-terway.conf, then sync.")

        @OptionGroup var edit: EditOptions

        func run() async throws {
            try await edit.perform(.sync)
        }
    }
}

/// What every edit takes: the cluster, and `--dry-run`.
struct EditOptions: ParsableArguments {
    @OptionGroup var cluster: ClusterOptions

    @Flag(help: "Show the diff and validate it; write nothing.")
    var dryRun = false

    /// Makes the edit; the diff goes to stdout, what happened to stderr. Exit 1 when the edit
    /// is invalid (nothing written), 2 when it cannot be made (a wrong reference, no ConfigMap).
    func perform(_ edit: ChainEdit) async throws {
        let outcome = try await cluster.withCluster { cluster -> ChainWriter.Outcome in
            let writer = ChainWriter(cluster: cluster)
            do {
                if let removed = try await removedType(edit, writer: writer) {
                    try await warnAboutPods(relyingOn: removed, writer: writer)
                }
                return try await writer.apply(edit, dryRun: dryRun)
            } catch let error as ChainEditError {
                Console.error("error: \(error)")
                throw ExitCode(ExitStatus.usageOrIO)
            }
        }
        let label = "\(cluster.namespace)/\(cluster.configmap) \(ConfigMapData.conflistKey)"
        func showDiff(_ before: String, _ after: String) {
            Console.output(UnifiedDiff(old: before, new: after, oldLabel: label, newLabel: "\(label) (edited)").render())
        }
        switch outcome {
        case .unchanged:
            Console.error("no change: the chain is already so; nothing written")
        case .invalid(let before, let after, let diagnostics):
            showDiff(before, after)
            for diagnostic in diagnostics { Console.error(diagnostic.description) }
            Console.error("not written: the edited ConfigMap would be invalid (\(diagnostics.errors.count) errors)")
            throw ExitCode(ExitStatus.invalidOrDifferent)
        case .dryRun(let before, let after, let resourceVersion):
            showDiff(before, after)
            Console.error("dry run: valid; nothing written (resourceVersion \(resourceVersion))")
        case .written(let before, let after, let resourceVersion):
            showDiff(before, after)
            Console.error("written: resourceVersion \(resourceVersion); the nodes take it at their next restart (`kubectl eni-config rollout`)")
        }
    }

    /// The type a `remove` takes out of the chain.
    private func removedType(_ edit: ChainEdit, writer: ChainWriter) async throws -> String? {
        guard case .remove(let reference) = edit else { return nil }
        switch reference {
        case .type(let type): return type
        case .index(let index):
            let plugins = try await writer.list()
            return plugins.indices.contains(index) ? plugins[index].type : nil
        }
    }

    private func warnAboutPods(relyingOn type: String, writer: ChainWriter) async throws {
        let pods = try await writer.podsRelyingOn(type)
        guard !pods.isEmpty else { return }
        let use = type == "portmap" ? "a hostPort" : "a bandwidth annotation"
        let shown = pods.prefix(10).joined(separator: ", ") + (pods.count > 10 ? " and \(pods.count - 10) more" : "")
        Console.error("""
            warning: \(pods.count) pods not yet finished use \(use), which \(type) sets up: \(shown). \
            Without \(type) in the chain their rules stay on the node after they end (Terway's stale-DNAT lesson); \
            drain or delete them before the nodes restart, or keep \(type).
            """)
    }
}
