import ArgumentParser
import CommandLineSupport
import ENIConfigPlugin
import Foundation

struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Restart the agents in batches, a canary first; stop at the first node that fails, with the reason.",
        discussion: """
            Refuses a ConfigMap that is invalid on every node before restarting anything. For the duration the \
            DaemonSet's updateStrategy is OnDelete and this command deletes pods batch by batch; it sets \
            kubectl.kubernetes.io/restartedAt as `kubectl rollout restart` does, and keeps the previous strategy in \
            the annotation eni-config-agent/rollout. When every node is done the strategy is put back. After a \
            failure the DaemonSet stays on OnDelete: fix eni-config and run `kubectl eni-config rollout` again, or \
            `kubectl eni-config rollout --abort` to put the strategy and restartedAt back (docs/fleet.md).
            """)

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Nodes restarted alone first.")
    var canary = 1

    @Option(help: ArgumentHelp("Each later batch, as a share of the nodes (25%).", valueName: "percent"))
    var batch = "25%"

    @Option(help: ArgumentHelp("Seconds a batch may take to report the new version and Ready.", valueName: "seconds"))
    var batchTimeout = 300

    @Option(help: "How many pod deletions, or nodes' pod and /status reads, are in flight at once.")
    var parallel = 16

    @Flag(help: "Put back the strategy and restartedAt a stopped rollout set aside, and restart nothing.")
    var abort = false

    func validate() throws {
        guard percent != nil else { throw ValidationError("--batch \(batch): expected a percentage from 1% to 100%, e.g. 25%") }
        guard canary >= 0 else { throw ValidationError("--canary \(canary): expected 0 or more nodes") }
        guard batchTimeout > 0 else { throw ValidationError("--batch-timeout \(batchTimeout): expected seconds above 0") }
        guard parallel > 0 else { throw ValidationError("--parallel \(parallel): expected 1 or more") }
    }

    private var percent: Int? {
        guard let number = Int(batch.hasSuffix("%") ? String(batch.dropLast()) : batch), (1...100).contains(number) else { return nil }
        return number
    }

    func run() async throws {
        let outcome: Rollout.Outcome? = try await cluster.withCluster { cluster in
            let rollout = Rollout(cluster: cluster) { print($0) }
            if abort {
                if try await !rollout.abort() { print("\(cluster.daemonSetName): no rollout to abort") }
                return nil
            }
            var options = Rollout.Options()
            options.canary = canary
            options.percent = percent ?? 25
            options.batchTimeout = .seconds(batchTimeout)
            options.parallel = parallel
            do {
                return try await rollout.run(options)
            } catch let refused as Rollout.Refused {
                Console.error("error: \(refused)")
                throw ExitCode(ExitStatus.invalidOrDifferent)
            }
        }
        guard case .failed(let node, let reason, let done, let notStarted)? = outcome else { return }
        Console.error("""
            rollout stopped at \(node): \(reason)
            On the new version: \(done.isEmpty ? "none" : done.joined(separator: ", ")). Not restarted, keeping their file: \(notStarted.count) nodes.
            The DaemonSet stays on OnDelete. Fix eni-config and run `kubectl eni-config rollout` again, \
            or `kubectl eni-config rollout --abort` to put the strategy back.
            """)
        throw ExitCode(ExitStatus.invalidOrDifferent)
    }
}
