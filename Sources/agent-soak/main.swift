// A randomized fault soak of `eni-config-agent run --apply live` against the sandbox API server
// (issue 9, "Prove it stays fixed"). Run through bench/soak:
//
//   .build/release/agent-soak --minutes 30 --agent .build/release/eni-config-agent [--seed N]
//
// For the whole run it makes valid and invalid edits and, between them, drops and resets
// watches, forces 410s (compacted history, 410 answers), answers with 5xx and 429 for a few
// seconds, rotates the token (the file follows a few seconds later, as the kubelet's does), and
// makes the agent's writes fail for a while (a soft file size limit on the agent process, set
// and lifted with prlimit(1)).
// Meanwhile it reads the node file every 100 ms (each read must be a whole render of a valid
// version made so far: no torn file, never an invalid version) and samples the agent's RSS.
// At the end the faults stop and the node file must hold the render of the last valid version.
// It prints the figures and exits 1 when any check failed.
import AsyncHTTPClient
import ENIConfig
import Foundation
import KubeSandbox
import NodeFiles
import Synchronization
import TestSupport

struct Options {
    var minutes = 30.0
    var agent = ".build/release/eni-config-agent"
    var hostRoot = "examples/node-veth"
    var seed = UInt64.random(in: 1...UInt64.max)
    /// RSS samples before this much of the run are the warm-up; the rest must stay within 2 MB of where it settled.
    var settleFraction = 1.0 / 6

    init(_ arguments: [String]) {
        var index = 1
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--minutes": minutes = Double(value) ?? minutes
            case "--agent": agent = value
            case "--host-root": hostRoot = value
            case "--seed": seed = UInt64(value) ?? seed
            default: fatalError("agent-soak: unknown option \(arguments[index])")
            }
            index += 2
        }
    }
}

/// What the checks saw, shared by the monitor and the main loop.
struct Findings {
    var fileReads = 0
    /// Reads whose bytes were no valid version's render: a torn file, or an invalid version written.
    var unexpectedContents: [String] = []
    var rssSamples: [(seconds: Double, kilobytes: Int)] = []
    var agentExited: String?
}

/// A line of the report, out at once: a long run shows its progress through a pipe.
func say(_ line: String) {
    print(line)
    fflush(nil)
}

/// A duration as the report shows it: "754.2 s", not Duration's seventeen digits.
func seconds(_ duration: Duration) -> String {
    String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
}

func vmRSSKilobytes(_ pid: Int32) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
}

func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Sets the agent's soft file size limit (RLIMIT_FSIZE) from outside, as a full or quota-bound
/// disk would bite. Only the soft limit: raising a hard limit again needs CAP_SYS_RESOURCE.
func setFileSizeLimit(of pid: Int32, to limit: String) {
    let tool = Process()
    tool.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tool.arguments = ["prlimit", "--pid", "\(pid)", "--fsize=\(limit):"]
    try? tool.run()
    tool.waitUntilExit()
    precondition(tool.terminationStatus == 0, "prlimit failed: the soak needs util-linux's prlimit")
}

/// The body of one GET on the agent's endpoints; nil when it does not answer.
func get(port: Int, _ path: String) async -> String? {
    guard let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(5)),
        let body = try? await response.body.collect(upTo: 1 << 20)
    else { return nil }
    return String(buffer: body)
}

func metrics(port: Int) async -> [String: Double] {
    var values: [String: Double] = [:]
    for line in (await get(port: port, "/metrics") ?? "").split(separator: "\n") where !line.hasPrefix("#") {
        let parts = line.split(separator: " ")
        if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
    }
    return values
}

let options = Options(CommandLine.arguments)
var random = SeededRandom(state: options.seed)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("agent-soak-\(getpid())")
let cniDirectory = work.appendingPathComponent("net.d").path
try FileManager.default.createDirectory(atPath: cniDirectory, withIntermediateDirectories: true)

// The versions: the tuning chain with a varying MTU and sysctl values (valid), and four kinds of mistakes.
let terwayConf = #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}"#
let eniConf = #"{"version": "1", "max_pool_size": 5, "min_pool_size": 0}"#
func validData(_ random: inout SeededRandom) -> [String: String] {
    let mtu = Int.random(in: 1200...9000, using: &random)
    let forwarding = Int.random(in: 0...1, using: &random)
    let conflist = """
        {"plugins": [\(terwayConf), {"type": "tuning", "mtu": \(mtu), "sysctl": {"net.ipv4.conf.all.forwarding": "\(forwarding)"}}]}
        """
    return ["10-terway.conf": terwayConf, "10-terway.conflist": conflist, "eni_conf": eniConf]
}
let mistakes = [
    #"{"plugins": [{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": false}}]}"#,
    #"{"plugins": [\#(terwayConf), {"type": 1}]}"#,
    #"{"plugins": [\#(terwayConf), {"type": "portmap\u0000x"}]}"#,
    #"{"plugins": [\#(terwayConf), {"type": "tuning",}]}"#,
]
func invalidData(_ random: inout SeededRandom) -> [String: String] {
    ["10-terway.conf": terwayConf, "10-terway.conflist": mistakes.randomElement(using: &random)!, "eni_conf": eniConf]
}

// What the agent must write for a version: the same evaluation, for the same node and bin directory.
let binDirectory = work.appendingPathComponent("bin").path
let target = NodeTarget(
    directory: CNIDirectory(path: cniDirectory), binDirectory: binDirectory, hostRoot: options.hostRoot,
    autoDataPathV2: true, lastGood: nil)
let facts = try target.facts()
func render(_ data: [String: String]) -> RenderedConflist? {
    target.evaluate(ConfigMapData(data: data), facts: facts).conflist
}

let first = validData(&random)
let sandbox = try Sandbox()
try sandbox.apply(SandboxConfigMap(namespace: "kube-system", name: "eni-config", data: first))
try await sandbox.start()
let tokenFile = work.appendingPathComponent("token").path
try sandbox.token!.write(toFile: tokenFile, atomically: true, encoding: .utf8)
let kubeconfig = work.appendingPathComponent("kubeconfig").path
try sandbox.writeKubeconfig(to: kubeconfig, tokenFile: tokenFile)

let validRenders = Mutex<[String: Int]>([:])  // sha256 → the edit that produced it
var lastValid = first
validRenders.withLock { $0[render(first)!.sha256] = 0 }

// The agent, its standard error through a pipe: the file size limit must not stop its log.
let port = freeLoopbackPort()
let agent = Process()
agent.executableURL = URL(fileURLWithPath: options.agent)
agent.arguments = [
    "run", "--kubeconfig", kubeconfig, "--node-name", "soak", "--apply", "live", "--cni-dir", cniDirectory,
    "--cni-bin-dir", binDirectory, "--state-dir", work.appendingPathComponent("state").path,
    "--host-root", options.hostRoot, "--listen", "127.0.0.1:\(port)", "--log-format", "json",
]
let logPath = work.appendingPathComponent("agent.log").path
FileManager.default.createFile(atPath: logPath, contents: nil)
let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
let stderrPipe = Pipe()
agent.standardError = stderrPipe
let logLines = Mutex(0)
stderrPipe.fileHandleForReading.readabilityHandler = { handle in
    let data = handle.availableData
    guard !data.isEmpty else { return }
    log.write(data)
    logLines.withLock { $0 += data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
}
let started = ContinuousClock.now
try agent.run()
say("agent-soak: seed \(options.seed), \(options.minutes) min, agent pid \(agent.processIdentifier), work \(work.path)")

let findings = Mutex(Findings())
let stopMonitor = Atomic(false)
let monitor = Thread {
    var lastSample = ContinuousClock.now - .seconds(10)
    while !stopMonitor.load(ordering: .relaxed) {
        if let bytes = try? Data(contentsOf: URL(fileURLWithPath: cniDirectory + "/10-terway.conflist")) {
            let sha = ContentHash.sha256Hex(Array(bytes))
            let known = validRenders.withLock { $0[sha] != nil }
            findings.withLock {
                $0.fileReads += 1
                if !known { $0.unexpectedContents.append(sha) }
            }
        }
        if ContinuousClock.now - lastSample >= .seconds(5) {
            lastSample = .now
            let elapsed = ContinuousClock.now - started
            if agent.isRunning, let rss = vmRSSKilobytes(agent.processIdentifier) {
                findings.withLock { $0.rssSamples.append((Double(elapsed.components.seconds), rss)) }
            } else if !agent.isRunning {
                findings.withLock { $0.agentExited = "exit status \(agent.terminationStatus) after \(seconds(elapsed))" }
            }
        }
        Thread.sleep(forTimeInterval: 0.1)
    }
}
monitor.start()

// The faults and edits, drawn at random until the time is up.
enum Action: String, CaseIterable {
    case validEdit = "valid edit", invalidEdit = "invalid edit", dropWatches = "watch dropped", resetWatches = "watch reset"
    case expiredHistory = "410 (history compacted)", gone = "410 on the watch", serverErrors = "5xx answers"
    case tooManyRequests = "429 with Retry-After", tokenRotation = "token rotated", failedWrites = "writes failing"
}
let weights: [(Action, Int)] = [
    (.validEdit, 35), (.invalidEdit, 15), (.dropWatches, 8), (.resetWatches, 8), (.expiredHistory, 5), (.gone, 4),
    (.serverErrors, 8), (.tooManyRequests, 4), (.tokenRotation, 5), (.failedWrites, 8),
]
var counts: [Action: Int] = [:]
/// What the agent was last put through, to read the time it took to converge against.
var lastFault: (action: Action, at: ContinuousClock.Instant)?
var edits = 0
let deadline = started + .seconds(Int(options.minutes * 60))
var failingUntil: ContinuousClock.Instant?
var answersFailUntil: ContinuousClock.Instant?
var pendingToken: (token: String, at: ContinuousClock.Instant)?
var nextProgress = started + .seconds(60)
while ContinuousClock.now < deadline, findings.withLock({ $0.agentExited == nil }) {
    let draw = Int.random(in: 0..<weights.reduce(0) { $0 + $1.1 }, using: &random)
    var total = 0
    let action = weights.first { total += $0.1; return draw < total }!.0
    counts[action, default: 0] += 1
    if action != .validEdit && action != .invalidEdit { lastFault = (action, .now) }
    switch action {
    case .validEdit:
        edits += 1
        let data = validData(&random)
        let rendered = render(data)!
        // Known before the edit lands, so the monitor never mistakes the new file for a stranger.
        validRenders.withLock { $0[rendered.sha256] = edits }
        try sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data = data }
        lastValid = data
    case .invalidEdit:
        edits += 1
        try sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.data = invalidData(&random) }
    case .dropWatches:
        sandbox.dropAllWatches()
    case .resetWatches:
        sandbox.resetAllWatches()
    case .expiredHistory:
        try sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { $0.annotations["soak/touch"] = "\(edits)" }
        sandbox.compactHistory()
        sandbox.dropAllWatches()
    case .gone:
        sandbox.failNextRequests(1, status: 410, matching: .watches)
        sandbox.dropAllWatches()
    case .serverErrors:
        sandbox.failNextRequests(Int.random(in: 1...5, using: &random), status: [500, 503, 504].randomElement(using: &random)!)
        sandbox.dropAllWatches()
        answersFailUntil = .now + .seconds(Int.random(in: 1...10, using: &random))
    case .tooManyRequests:
        sandbox.failNextRequests(Int.random(in: 1...3, using: &random), status: 429, retryAfter: Int.random(in: 1...3, using: &random))
        sandbox.dropAllWatches()
        answersFailUntil = .now + .seconds(Int.random(in: 1...10, using: &random))
    case .tokenRotation:
        if let token = sandbox.rotateToken() {
            pendingToken = (token, .now + .milliseconds(Int.random(in: 0...5000, using: &random)))
        }
        sandbox.dropAllWatches()
    case .failedWrites:
        if failingUntil == nil { setFileSizeLimit(of: agent.processIdentifier, to: "64") }
        failingUntil = .now + .seconds(Int.random(in: 2...20, using: &random))
    }
    try await Task.sleep(for: .milliseconds(Int.random(in: 500...6000, using: &random)))
    if let until = answersFailUntil, ContinuousClock.now >= until {
        // The failures a fault armed end with it, whether or not requests came to take them.
        sandbox.cancelInjectedFailures()
        answersFailUntil = nil
    }
    if let until = failingUntil, ContinuousClock.now >= until {
        setFileSizeLimit(of: agent.processIdentifier, to: "unlimited")
        failingUntil = nil
    }
    if let pending = pendingToken, ContinuousClock.now >= pending.at {
        try pending.token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        pendingToken = nil
    }
    if ContinuousClock.now >= nextProgress {
        nextProgress = .now + .seconds(60)
        let (reads, unexpected, rss) = findings.withLock { ($0.fileReads, $0.unexpectedContents.count, $0.rssSamples.last?.kilobytes ?? 0) }
        say("  \(seconds(ContinuousClock.now - started)): \(edits) edits, \(reads) file reads (\(unexpected) unexpected), RSS \(rss) kB")
    }
}

// The faults stop; the node file must come to hold the last valid version.
sandbox.cancelInjectedFailures()
if failingUntil != nil { setFileSizeLimit(of: agent.processIdentifier, to: "unlimited") }
if let pending = pendingToken { try pending.token.write(toFile: tokenFile, atomically: true, encoding: .utf8) }
let expected = render(lastValid)!
let settleStart = ContinuousClock.now
var converged = false
while ContinuousClock.now - settleStart < .seconds(180), agent.isRunning {
    if let bytes = try? Data(contentsOf: URL(fileURLWithPath: cniDirectory + "/10-terway.conflist")), Array(bytes) == expected.bytes {
        converged = true
        break
    }
    try await Task.sleep(for: .milliseconds(200))
}
let convergedAfter = ContinuousClock.now - settleStart
let finalMetrics = await metrics(port: port)
let readiness = await get(port: port, "/readyz") ?? "unreachable"
stopMonitor.store(true, ordering: .relaxed)
while monitor.isExecuting { try await Task.sleep(for: .milliseconds(50)) }
let alive = agent.isRunning
kill(agent.processIdentifier, SIGTERM)
agent.waitUntilExit()
stderrPipe.fileHandleForReading.readabilityHandler = nil
await sandbox.shutdown()

// The figures.
let seen = findings.withLock { $0 }
let settleAt = options.minutes * 60 * options.settleFraction
let settled = seen.rssSamples.filter { $0.seconds >= settleAt }
let settledKB = settled.first?.kilobytes ?? 0
let maximumKB = settled.map(\.kilobytes).max() ?? 0
let minimumKB = settled.map(\.kilobytes).min() ?? 0
let finalKB = seen.rssSamples.last?.kilobytes ?? 0
func mb(_ kilobytes: Int) -> String { String(format: "%.1f MB", Double(kilobytes) / 1024) }

say("duration: \(options.minutes) min, \(edits) edits (\(counts[.validEdit] ?? 0) valid, \(counts[.invalidEdit] ?? 0) invalid)")
for action in Action.allCases where action != .validEdit && action != .invalidEdit {
    say("  \(action.rawValue): \(counts[action] ?? 0)")
}
say("node file reads: \(seen.fileReads), not a whole valid render: \(seen.unexpectedContents.count)")
say("agent: \(alive ? "running at the end" : "exited (\(seen.agentExited ?? "?"))"), log lines: \(logLines.withLock { $0 })")
say("metrics: " + ["applies_total", "write_failures_total", "apply_warnings_total", "invalid_versions_total", "watch_restarts_total", "relists_total"]
    .map { "\($0) \(Int(finalMetrics["eni_config_agent_\($0)"] ?? -1))" }.joined(separator: ", "))
if let lastFault {
    say("last fault: \(lastFault.action.rawValue), \(seconds(settleStart - lastFault.at)) before the faults stopped")
}
say("last valid version on the node: \(converged ? "yes, \(seconds(convergedAfter)) after the faults stopped" : "NO"); /readyz: \(readiness.trimmingCharacters(in: .whitespacesAndNewlines))")
say("RSS: first \(mb(seen.rssSamples.first?.kilobytes ?? 0)), settled (at \(Int(settleAt)) s) \(mb(settledKB)), after that min \(mb(minimumKB)) max \(mb(maximumKB)), final \(mb(finalKB)); \(seen.rssSamples.count) samples")

var failures: [String] = []
if !alive { failures.append("the agent exited") }
if !seen.unexpectedContents.isEmpty { failures.append("\(seen.unexpectedContents.count) reads of the node file were not a valid render") }
if !converged { failures.append("the node file never came to hold the last valid version") }
if maximumKB - settledKB > 2048 { failures.append("RSS grew \(mb(maximumKB - settledKB)) after settling") }
if settledKB - minimumKB > 2048 { failures.append("RSS fell \(mb(settledKB - minimumKB)) after settling: it had not settled") }
if settled.isEmpty { failures.append("no RSS samples after the warm-up") }
if failures.isEmpty {
    say("PASS")
    try? FileManager.default.removeItem(at: work)
} else {
    say("FAIL: " + failures.joined(separator: "; ") + " (work directory kept: \(work.path))")
    exit(1)
}
