import ArgumentParser

@main
struct EniConfigAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eni-config-agent",
        abstract: "Validate the kube-system/eni-config ConfigMap and write /etc/cni/net.d/10-terway.conflist safely.",
        discussion: """
            Exit codes: 0 success (valid / written / unchanged / no difference); 1 the config is invalid \
            (nothing was written) or, for diff, the files differ; 2 usage or I/O error.
            """,
        subcommands: [ValidateCommand.self, RenderCommand.self, DiffCommand.self, RunCommand.self, WebhookCommand.self, SandboxCommand.self, DemoCommand.self]
    )

    /// ArgumentParser exits 64 on a usage error; our contract says 2, so parse errors are mapped here.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Self.exit(withError: exit)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Self.exit(withError: error)
            }
            Console.error(fullMessage(for: error))
            Self.exit(withError: ExitCode(ExitStatus.usageOrIO))
        }
    }
}

/// The failure exit codes of the command-line contract (architecture.md); success is a normal return, 0.
enum ExitStatus {
    static let invalidOrDifferent: Int32 = 1
    static let usageOrIO: Int32 = 2
}
