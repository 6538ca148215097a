import ENIConfigPlugin
import Fleet
import Foundation
import KubeAPI
import KubeSandbox

// Whole-fleet benchmark: N real agents against the sandbox. What the API server sees per edit,
// per rollout, at idle, after every watch is dropped, after compaction and after a restart, and
// how long a rollout takes. Prints the figures docs/benchmarks.md ("Fleet") records.
//
//   swift build -c release --product eni-config-agent --product fleet-bench
//   .build/release/fleet-bench --nodes 200 --agent .build/release/eni-config-agent

struct Options {
    var nodes = 200
    var agent = ""
    var maxUnavailable = "10%"
    var probePeriodMilliseconds = 1000
    var idleSeconds = 60
    var settleSeconds = 10
    var downSeconds = 5
    var longDownSeconds = 120

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()[...]
        func value(_ flag: String) -> String {
            guard let next = rest.popFirst() else { fatalError("\(flag) needs a value") }
            return next
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--nodes": nodes = Int(value(flag))!
            case "--agent": agent = value(flag)
            case "--max-unavailable": maxUnavailable = value(flag)
            case "--probe-period-ms": probePeriodMilliseconds = Int(value(flag))!
            case "--idle-seconds": idleSeconds = Int(value(flag))!
            case "--settle-seconds": settleSeconds = Int(value(flag))!
            case "--down-seconds": downSeconds = Int(value(flag))!
            case "--long-down-seconds": longDownSeconds = Int(value(flag))!
            default: fatalError("unknown option \(flag)")
            }
        }
        if agent.isEmpty {
            agent = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("eni-config-agent").path
        }
    }
}

func example(_ name: String) throws -> String {
    try String(contentsOf: FleetConfiguration.repositoryRoot.appendingPathComponent("examples/\(name)"), encoding: .utf8)
}

func seconds(_ duration: Duration) -> String {
    let (whole, fraction) = duration.components
    return String(format: "%.2f s", Double(whole) + Double(fraction) / 1e18)
}

/// What a request did, by verb and resource: `list configmaps`, `watch configmaps`,
/// `POST events`, `DELETE pods`, `proxy` (an agent's endpoint through `pods/proxy`).
func kind(of request: RecordedRequest) -> String {
    if request.path.contains("/proxy/") { return "proxy" }
    let parts = request.path.split(separator: "/").map(String.init)
    let base = parts.firstIndex(of: "namespaces").map { $0 + 2 } ?? (parts.firstIndex(of: "v1") ?? parts.count - 2) + 1
    let resource = base < parts.count ? parts[base] : request.path
    let isItem = parts.count > base + 1
    let verb = request.isWatch ? "watch" : request.method == "GET" ? (isItem ? "get" : "list") : request.method
    return "\(verb) \(resource)"
}

/// Requests by kind and status, as the sandbox logged them.
func breakdown(_ requests: [RecordedRequest]) -> String {
    var kinds: [String: Int] = [:]
    for request in requests {
        kinds["\(kind(of: request)) \(request.status)", default: 0] += 1
    }
    return kinds.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", ")
}

/// Spread of request arrival times after `start`: first, median, 90th percentile, last.
func spread(_ requests: [RecordedRequest], after start: ContinuousClock.Instant) -> String {
    let offsets = requests.map { $0.receivedAt - start }.sorted()
    guard let first = offsets.first, let last = offsets.last else { return "none" }
    return "first \(seconds(first)), median \(seconds(offsets[offsets.count / 2])), p90 \(seconds(offsets[offsets.count * 9 / 10])), last \(seconds(last))"
}

/// Resident memory of the agents (found by their kubeconfig on the command line) and of this
/// process, in MiB: all of it (`VmRSS`) and the part that is the process's own (`RssAnon`);
/// the rest is the binary's pages, which every agent maps from the same file and so shares.
struct Resident {
    var total: Double
    var anonymous: Double
}

func resident(kubeconfig: String) -> (agents: [Resident], sandbox: Resident) {
    func read(_ pid: String) -> Resident? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func mib(_ field: String) -> Double? {
            status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
                .flatMap { Double($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
                .map { $0 / 1024 }
        }
        guard let total = mib("VmRSS"), let anonymous = mib("RssAnon") else { return nil }
        return Resident(total: total, anonymous: anonymous)
    }
    let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    let agents = pids.filter { Int($0) != nil }.compactMap { pid -> Resident? in
        guard let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
              String(decoding: cmdline, as: UTF8.self).contains("--kubeconfig=\(kubeconfig)")
        else { return nil }
        return read(pid)
    }
    return (agents, read("self") ?? Resident(total: 0, anonymous: 0))
}

func settle(_ options: Options) async throws {
    try await Task.sleep(for: .seconds(options.settleSeconds))
}

let options = Options(CommandLine.arguments)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

print("## fleet-bench: load average \(loadAverage()); \(options.nodes) agents (\(options.agent)), maxUnavailable \(options.maxUnavailable), probe period \(options.probePeriodMilliseconds) ms")
let started = ContinuousClock.now
let fleet = try await Fleet.start(FleetConfiguration(
    nodes: FleetNodeSpec.standard(count: options.nodes), agentExecutable: options.agent, directory: directory,
    daemonSetManifest: try String(contentsOfFile: FleetConfiguration.repositoryDaemonSet, encoding: .utf8),
    seedManifest: try example("eni-config.yaml"), maxUnavailable: options.maxUnavailable,
    probePeriod: .milliseconds(options.probePeriodMilliseconds)))
let sandbox = fleet.sandbox
do {
    try await fleet.waitUntilRolledOut(timeout: .seconds(600))
    print("start: \(options.nodes) pods Ready after \(seconds(ContinuousClock.now - started)); \(breakdown(sandbox.requestLog))")
    try await settle(options)
    let memory = resident(kubeconfig: fleet.kubeconfigPath)
    let count = Double(max(memory.agents.count, 1))
    let total = memory.agents.map(\.total).reduce(0, +)
    let anonymous = memory.agents.map(\.anonymous).reduce(0, +)
    print(String(format: "memory: %d agents, RSS %.1f MiB each on average (max %.1f), of which %.1f MiB their own (anonymous), %.0f MiB own together; sandbox process RSS %.0f MiB (%.0f anonymous)",
                 memory.agents.count, total / count, memory.agents.map(\.total).max() ?? 0, anonymous / count, anonymous,
                 memory.sandbox.total, memory.sandbox.anonymous))
    sandbox.clearRequestLog()
    try await Task.sleep(for: .seconds(options.idleSeconds))
    let idle = sandbox.requestLog
    print(String(format: "idle %d s: %d requests, %.3f requests/s (%@)", options.idleSeconds, idle.count, Double(idle.count) / Double(options.idleSeconds), breakdown(idle)))

    for (label, manifest) in [("valid edit (pending a restart)", "eni-config-tuning.yaml"), ("invalid edit", "eni-config-invalid.yaml")] {
        sandbox.clearRequestLog()
        let version = try sandbox.seed(manifest: try example(manifest)).first?.resourceVersion ?? ""
        try await settle(options)
        let events = sandbox.events(namespace: Fleet.namespace).filter { $0.regarding.resourceVersion == version }
        print("\(label): \(sandbox.requestLog.count) requests (\(breakdown(sandbox.requestLog))); \(events.count) Events (\(Set(events.map(\.reason)).sorted().joined(separator: ", ")))")
    }

    try sandbox.seed(manifest: try example("eni-config-tuning.yaml"))
    try await settle(options)
    sandbox.clearRequestLog()
    let eventsBefore = sandbox.events(namespace: Fleet.namespace).count
    let rolloutStart = ContinuousClock.now
    try sandbox.restartDaemonSet(namespace: Fleet.namespace, name: Fleet.daemonSetName)
    try await fleet.waitUntilRolledOut(timeout: .seconds(3600))
    let rolloutTime = ContinuousClock.now - rolloutStart
    try await settle(options)
    let rolloutRequests = sandbox.requestLog
    print("rollout (maxUnavailable \(options.maxUnavailable)): \(seconds(rolloutTime)); \(rolloutRequests.count) requests (\(breakdown(rolloutRequests))); \(sandbox.events(namespace: Fleet.namespace).count - eventsBefore) Events")

    // The same through `kubectl eni-config` (its library, in this process): one status, then a
    // rollout of the example back, a canary then batches of 25 %.
    try sandbox.seed(manifest: try example("eni-config.yaml"))
    try await settle(options)
    let client = KubeClient(
        connection: try ClusterConnection.resolve(kubeconfig: fleet.kubeconfigPath, context: nil, environment: [:]),
        configuration: .init(userAgent: "fleet-bench"))
    let cluster = PluginCluster(client: client, namespace: Fleet.namespace, daemonSetName: Fleet.daemonSetName, configMapName: "eni-config")
    sandbox.clearRequestLog()
    let statusStart = ContinuousClock.now
    let status = try await cluster.fleetStatus()
    print("kubectl eni-config status: \(seconds(ContinuousClock.now - statusStart)); \(breakdown(sandbox.requestLog)); \(status.summaryLine)")
    sandbox.clearRequestLog()
    let pluginEventsBefore = sandbox.events(namespace: Fleet.namespace).count
    let pluginStart = ContinuousClock.now
    let outcome = try await Rollout(cluster: cluster) { _ in }.run(Rollout.Options())
    let pluginTime = ContinuousClock.now - pluginStart
    try await settle(options)
    print("kubectl eni-config rollout (canary 1, batches of 25%): \(seconds(pluginTime)), \(outcome); \(sandbox.requestLog.count) requests (\(breakdown(sandbox.requestLog))); \(sandbox.events(namespace: Fleet.namespace).count - pluginEventsBefore) Events")
    try? await client.shutdown()

    sandbox.clearRequestLog()
    let dropped = ContinuousClock.now
    sandbox.dropAllWatches()
    try await settle(options)
    let afterDrop = sandbox.requestLog
    print("every watch dropped: \(breakdown(afterDrop)); watches reopened: \(spread(afterDrop.filter(\.isWatch), after: dropped))")

    // A write the agents do not watch moves the cluster's resourceVersion past every agent's,
    // so compacting now expires every agent's resume version, as a busy cluster's compaction does.
    try sandbox.seed(manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fleet-bench-marker, namespace: kube-system}\ndata: {at: \"\(Date())\"}\n")
    sandbox.clearRequestLog()
    let compacted = ContinuousClock.now
    sandbox.compactHistory()
    sandbox.dropAllWatches()
    try await settle(options)
    let afterCompaction = sandbox.requestLog
    let relists = afterCompaction.filter { !$0.isWatch && $0.path.hasSuffix("/configmaps") }
    print("compacted, then every watch dropped: \(breakdown(afterCompaction)); relists: \(relists.count), \(spread(relists, after: compacted))")

    // Short outages end before the agents' backoff grows; a long one lets every agent reach
    // client-go's 30 s cap, where each wait is drawn from [30 s, 60 s): the spread of a fleet
    // coming back after an API server restart.
    for down in [options.downSeconds, options.longDownSeconds] {
        sandbox.clearRequestLog()
        await sandbox.shutdown()
        try await Task.sleep(for: .seconds(down))
        let restarted = ContinuousClock.now
        try await sandbox.start()
        try await Task.sleep(for: .seconds(max(options.settleSeconds, 75)))
        let log = sandbox.requestLog
        // A watch ended by the shutdown may be reopened before the listener closes: not a reconnect.
        let reconnects = log.filter { $0.isWatch && $0.status == 200 && $0.receivedAt >= restarted }
        let relists = log.filter { !$0.isWatch && $0.method == "GET" && $0.path.hasSuffix("/configmaps") }
        print("API server down \(down) s, then back: \(breakdown(log)); watches back: \(reconnects.count), \(spread(reconnects, after: restarted)); relists: \(relists.count)")
    }
} catch {
    print("error: \(error)")
}
print("load average at the end: \(loadAverage())")
await fleet.shutdown()
