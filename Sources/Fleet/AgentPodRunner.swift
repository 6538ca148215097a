import Foundation
import KubeSandbox
import Synchronization

/// Runs a pod of the agent's DaemonSet as a real `eni-config-agent` process on a simulated node.
/// The container's arguments are the template's, with what a container would see differently:
///
/// - `$(VAR)` is expanded from the container's environment, as the kubelet does;
/// - the host paths the DaemonSet mounts at the same place in the container (`--cni-dir`,
///   `--cni-bin-dir`, `--state-dir`) are moved under the node's root, and `--host-root` points
///   there (a host-network pod sees the node's `/proc` and `/sys`);
/// - `--listen 0.0.0.0:PORT` binds the node's own IP instead: all nodes share one machine;
/// - the in-cluster service account becomes `--kubeconfig` for the sandbox.
struct AgentPodRunner: PodRunner {
    let executable: String
    let kubeconfig: String
    let nodes: [String: FleetNode]

    static let hostPathFlags = ["--cni-dir", "--cni-bin-dir", "--state-dir"]

    func start(_ pod: PodLaunch) async throws -> any RunningContainer {
        guard let node = nodes[pod.nodeName] else { throw FleetError.agent("pod \(pod.name) is bound to unknown node \(pod.nodeName)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Self.arguments(pod, node: node, kubeconfig: kubeconfig)
        process.environment = pod.environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
        let logPath = "\(node.logDirectory)/\(pod.namespace)_\(pod.name).log"
        guard FileManager.default.fileExists(atPath: logPath) || FileManager.default.createFile(atPath: logPath, contents: nil) else {
            throw FleetError.agent("cannot create \(logPath)")
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let container = AgentContainer(process: process, logPath: logPath)
        do {
            try process.run()
        } catch {
            throw FleetError.agent("\(executable): \(error.localizedDescription)")
        }
        try? log.close()
        return container
    }

    /// The agent's command line for this pod on this node (see the type's comment).
    static func arguments(_ pod: PodLaunch, node: FleetNode, kubeconfig: String) -> [String] {
        var arguments: [String] = []
        var pending = (pod.command.dropFirst() + pod.arguments).map { expand($0, environment: pod.environment) }[...]
        while let argument = pending.popFirst() {
            var (flag, value) = split(argument)
            if value == nil, flag.hasPrefix("--"), hostPathFlags.contains(flag) || flag == "--listen" {
                value = pending.popFirst()
            }
            guard let value else {
                arguments.append(argument)
                continue
            }
            if hostPathFlags.contains(flag) {
                arguments.append("\(flag)=\(node.root)\(value.hasPrefix("/") ? "" : "/")\(value)")
            } else if flag == "--listen" {
                let port = value.split(separator: ":").last.map(String.init) ?? value
                arguments.append("--listen=\(node.ip):\(port)")
            } else {
                arguments.append(argument)
            }
        }
        return arguments + ["--host-root=\(node.root)", "--kubeconfig=\(kubeconfig)"]
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// `$(VAR)` from the environment; an unknown variable stays as written, `$$` is a literal `$`.
    static func expand(_ text: String, environment: [String: String]) -> String {
        var result = ""
        var rest = text[...]
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("$") {
                result += "$"
                rest = after.dropFirst()
            } else if after.hasPrefix("("), let close = after.firstIndex(of: ")") {
                let name = String(after[after.index(after: after.startIndex)..<close])
                result += environment[name] ?? "$(\(name))"
                rest = after[after.index(after: close)...]
            } else {
                result += "$"
                rest = after
            }
        }
        return result + rest
    }
}

/// An agent process: its exit, its stop, and its log file. (`Process` is not marked Sendable,
/// but what is used here — `isRunning`, the pid, the termination status — only reads state
/// Foundation updates under its own lock.)
final class AgentContainer: RunningContainer, @unchecked Sendable {
    private let process: Process
    private let logPath: String

    /// `kubectl logs` shows at most the end of this much output.
    static let outputLimit = 1 << 20

    init(process: Process, logPath: String) {
        self.process = process
        self.logPath = logPath
    }

    var exitCode: Int32? {
        guard !process.isRunning else { return nil }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    func stop(gracePeriod: Duration) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let killer = Task { [process] in
            try await Task.sleep(for: gracePeriod)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        killer.cancel()
    }

    func output() -> String {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return "" }
        defer { try? handle.close() }
        let size = handle.seekToEndOfFile()
        handle.seek(toFileOffset: size > UInt64(Self.outputLimit) ? size - UInt64(Self.outputLimit) : 0)
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }
}
