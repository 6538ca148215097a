import ArgumentParser

/// The failure exit codes of the command-line contract (docs/design.md, "Command line"); success
/// is a normal return, 0.
public enum ExitStatus {
    public static let invalidOrDifferent: Int32 = 1
    public static let usageOrIO: Int32 = 2
}

extension AsyncParsableCommand {
    /// Parses the command line and runs the chosen command, as ArgumentParser's own `main()`
    /// does, except that a usage error exits 2, as the contract says, instead of 64.
    public static func mainWithContractExitCodes() async {
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
            // --help and --version arrive here as "errors" whose exit code is 0.
            if exitCode(for: error) == .success {
                Self.exit(withError: error)
            }
            Console.error(fullMessage(for: error))
            Self.exit(withError: ExitCode(ExitStatus.usageOrIO))
        }
    }
}
