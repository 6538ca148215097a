// Whole-process benchmarks of `eni-config-agent run` against the sandbox API server on loopback:
//
//   swift build -c release --product eni-config-agent --product agent-bench
//   .build/release/agent-bench [--edits 1000] [--gap-ms 50] [--idle-seconds 10] [--agent .build/release/eni-config-agent]
//
// 1. exec → first node file: from spawning `run` to the rename of 10-terway.conflist (inotify).
// 2. API write → node file renamed, over N edits in live mode (p50 / p99 / max).
// 3. Idle footprint: peak RSS (VmHWM) and CPU ticks of the agent over an idle period, beside
//    `kubectl get --watch` on the same object in the same run.
import Foundation
import KubeSandbox

struct Options {
    var edits = 1000
    var idleSeconds = 10
    var agent = ".build/release/eni-config-agent"
    /// Pause between edits, so each edit is measured alone rather than queued behind the
    /// previous one's directory fsync and last-good record (0: back to back).
    var gapMilliseconds = 50

    init(_ arguments: [String]) {
        var index = 1
        while index + 1 < arguments.count {
            switch arguments[index] {
            case "--edits": edits = Int(arguments[index + 1]) ?? edits
            case "--idle-seconds": idleSeconds = Int(arguments[index + 1]) ?? idleSeconds
            case "--agent": agent = arguments[index + 1]
            case "--gap-ms": gapMilliseconds = Int(arguments[index + 1]) ?? gapMilliseconds
            default: break
            }
            index += 2
        }
    }
}

/// Blocks until `name` is renamed into `directory` (IN_MOVED_TO) or created in it.
final class RenameWatcher {
    private let fd: Int32
    private let name: String

    init(directory: String, name: String) {
        fd = inotify_init1(Int32(IN_CLOEXEC))
        precondition(fd >= 0, "inotify_init1 failed")
        precondition(inotify_add_watch(fd, directory, UInt32(IN_MOVED_TO | IN_CLOSE_WRITE)) >= 0, "inotify_add_watch \(directory) failed")
        self.name = name
    }

    deinit { close(fd) }

    /// Waits for the next event on `name`; returns false after `timeoutMilliseconds`.
    func wait(timeoutMilliseconds: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, timeoutMilliseconds) > 0 else { return false }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return false }
            var offset = 0
            while offset < count {
                let (length, eventName) = buffer.withUnsafeBytes { raw -> (Int, String) in
                    let event = raw.load(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[nameStart..<(nameStart + Int(event.len))].prefix { $0 != 0 }
                    return (MemoryLayout<inotify_event>.size + Int(event.len), String(decoding: nameBytes, as: UTF8.self))
                }
                if eventName == name { return true }
                offset += length
            }
        }
    }
}

func procStatus(_ pid: Int32, _ field: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
    return nil
}

/// utime + stime in clock ticks.
func cpuTicks(_ pid: Int32) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
    return user + system
}

/// The process and its descendants (the kubectl on these machines is a dispatcher that runs the real one).
func processTree(_ root: Int32) -> [Int32] {
    var tree = [root]
    var index = 0
    while index < tree.count {
        let pid = tree[index]
        if let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) {
            tree += children.split(separator: " ").compactMap { Int32($0) }
        }
        index += 1
    }
    return tree
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

let options = Options(CommandLine.arguments)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("agent-bench-\(getpid())")
let cniDirectory = work.appendingPathComponent("net.d").path
try FileManager.default.createDirectory(atPath: cniDirectory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }
// The node Terway's render is for: a 5.10 kernel, veth, nothing else known.
let hostRoot = work.appendingPathComponent("host")
try FileManager.default.createDirectory(at: hostRoot.appendingPathComponent("proc/sys/kernel"), withIntermediateDirectories: true)
try Data("5.10.134-16.3.al8.x86_64\n".utf8).write(to: hostRoot.appendingPathComponent("proc/sys/kernel/osrelease"))

let seed = """
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: eni-config, namespace: kube-system}
    data:
      eni_conf: '{}'
      10-terway.conf: |
        {"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}
      10-terway.conflist: |
        {"plugins": [{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}, {"type": "tuning", "mtu": 1000}]}
    """
let sandbox = try Sandbox()
try sandbox.seed(manifest: seed)
try await sandbox.start()
let kubeconfig = work.appendingPathComponent("kubeconfig").path
try sandbox.writeKubeconfig(to: kubeconfig)

// 1. exec → first node file.
let watcher = RenameWatcher(directory: cniDirectory, name: "10-terway.conflist")
let agent = Process()
agent.executableURL = URL(fileURLWithPath: options.agent)
agent.arguments = [
    "run", "--kubeconfig", kubeconfig, "--node-name", "bench", "--apply", "live", "--cni-dir", cniDirectory,
    "--cni-bin-dir", work.appendingPathComponent("bin").path, "--state-dir", work.appendingPathComponent("state").path,
    "--listen", "127.0.0.1:0", "--log-format", "json", "--host-root", hostRoot.path,
]
agent.standardError = FileHandle.nullDevice
let spawned = ContinuousClock.now
try agent.run()
guard watcher.wait(timeoutMilliseconds: 10_000) else { fatalError("the agent wrote no node file within 10 s") }
let firstFile = ContinuousClock.now - spawned
print(String(format: "exec → first node file: %.1f ms", milliseconds(firstFile)))

// 2. API write → node file renamed, in live mode.
var latencies: [Double] = []
for edit in 1...options.edits {
    if options.gapMilliseconds > 0 { try await Task.sleep(for: .milliseconds(options.gapMilliseconds)) }
    let started = ContinuousClock.now
    try sandbox.updateConfigMap(namespace: "kube-system", name: "eni-config") { configMap in
        configMap.data["10-terway.conflist"] = configMap.data["10-terway.conflist"]!
            .replacingOccurrences(of: #""mtu": \d+"#, with: "\"mtu\": \(1000 + edit)", options: .regularExpression)
    }
    guard watcher.wait(timeoutMilliseconds: 5_000) else { fatalError("edit \(edit) never reached the node file") }
    latencies.append(milliseconds(ContinuousClock.now - started))
}
latencies.sort()
print(String(
    format: "API write → node file renamed, %d edits %d ms apart: p50 %.2f ms, p99 %.2f ms, max %.2f ms",
    latencies.count, options.gapMilliseconds, percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.last!))

// 3. Idle footprint beside kubectl get --watch on the same object.
let kubectl = Process()
kubectl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
kubectl.arguments = ["kubectl", "--kubeconfig", kubeconfig, "get", "cm", "-n", "kube-system", "eni-config", "--watch"]
kubectl.standardOutput = FileHandle.nullDevice
kubectl.standardError = FileHandle.nullDevice
try kubectl.run()
try await Task.sleep(for: .seconds(2))
let agentTicksBefore = cpuTicks(agent.processIdentifier) ?? 0
try await Task.sleep(for: .seconds(options.idleSeconds))
let agentTicks = (cpuTicks(agent.processIdentifier) ?? 0) - agentTicksBefore
let agentPeak = procStatus(agent.processIdentifier, "VmHWM") ?? 0
let agentRSS = procStatus(agent.processIdentifier, "VmRSS") ?? 0
let kubectlPeak = processTree(kubectl.processIdentifier).compactMap { procStatus($0, "VmHWM") }.max() ?? 0
print("idle \(options.idleSeconds) s: agent CPU \(agentTicks) ticks (1 tick = 10 ms), RSS \(agentRSS / 1024) MB, peak RSS \(agentPeak / 1024) MB (whole run, incl. \(options.edits) edits)")
print("kubectl get --watch on the same object: peak RSS \(kubectlPeak / 1024) MB")

kill(agent.processIdentifier, SIGTERM)
agent.waitUntilExit()
kubectl.terminate()
kubectl.waitUntilExit()
await sandbox.shutdown()
