import Agent
import AsyncHTTPClient
import Foundation
import KubeAPI
import KubeSandbox
import Logging
import NIOCore
import Synchronization
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The examples' veth node (kernel 5.10, eth0 at 1500, no Cilium): the agents' `--host-root`.
let vethHostRoot = repositoryRoot.appendingPathComponent("examples/node-veth").path

func example(_ name: String) throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("examples/\(name)"), encoding: .utf8)
}

/// A sandbox API server and an agent running against it in this process, each in its own
/// temporary directory: what `run` does on a node, observable from a test.
final class AgentHarness: Sendable {
    let sandbox: Sandbox
    let directory: URL
    let runtime: AgentRuntime
    let kubeconfigPath: String
    let tokenFile: String
    /// Every line the agent logged (info and above).
    let logs: LogCapture
    private let task: Task<Void, any Error>

    var nodeFilePath: String { runtime.state.directory.nodeFilePath }

    /// Starts the sandbox (seeded with `seed` unless nil), lets the test `prepare` it, then starts the agent.
    /// With `startSandbox` false the agent starts first, against a port where nothing listens yet
    /// (start the sandbox later with `sandbox.start()`).
    /// A shorter `idleReadTimeout` than the agent's default comes with bookmarks four times as
    /// often, as on a real cluster (a bookmark a minute, three minutes of silence allowed), so
    /// only a watch that really goes silent is taken for dead.
    /// With `inCluster` the agent finds the sandbox as a pod finds its API server: the service's
    /// address in the environment, the token and CA in `serviceAccountDirectory`.
    static func start(
        mode: ApplyMode, seed: String? = "eni-config.yaml", startSandbox: Bool = true,
        idleReadTimeout: Duration? = nil, inCluster: Bool = false,
        prepare: (Sandbox) throws -> Void = { _ in },
        configure: (inout AgentConfiguration) throws -> Void = { _ in }
    ) async throws -> AgentHarness {
        let port = startSandbox ? 0 : try freeLoopbackPort()
        var sandboxConfiguration = SandboxConfiguration(port: port)
        if let idleReadTimeout { sandboxConfiguration.bookmarkInterval = idleReadTimeout / 4 }
        let sandbox = try Sandbox(configuration: sandboxConfiguration)
        if let seed { try sandbox.seed(manifest: try example(seed)) }
        if startSandbox { try await sandbox.start() }
        try prepare(sandbox)
        return try AgentHarness(
            sandbox: sandbox, mode: mode, port: port, idleReadTimeout: idleReadTimeout, inCluster: inCluster, configure: configure)
    }

    var serviceAccountDirectory: String { directory.appendingPathComponent("serviceaccount").path }

    private init(
        sandbox: Sandbox, mode: ApplyMode, port: Int, idleReadTimeout: Duration?, inCluster: Bool,
        configure: (inout AgentConfiguration) throws -> Void
    ) throws {
        self.sandbox = sandbox
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eni-agent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        kubeconfigPath = directory.appendingPathComponent("kubeconfig").path
        tokenFile = directory.appendingPathComponent("token").path
        if let token = sandbox.token { try token.write(toFile: tokenFile, atomically: true, encoding: .utf8) }
        if sandbox.endpoint == nil {
            try Self.kubeconfig(server: "https://127.0.0.1:\(port)", sandbox: sandbox, tokenFile: tokenFile)
                .write(toFile: kubeconfigPath, atomically: true, encoding: .utf8)
        } else {
            try sandbox.writeKubeconfig(to: kubeconfigPath, tokenFile: tokenFile)
        }
        var configuration = AgentConfiguration(nodeName: "node-a")
        configuration.mode = mode
        configuration.cniDirectory = directory.appendingPathComponent("net.d").path
        configuration.cniBinDirectory = directory.appendingPathComponent("bin").path
        configuration.stateDirectory = directory.appendingPathComponent("state").path
        configuration.listenHost = "127.0.0.1"
        configuration.listenPort = 0
        configuration.hostRoot = vethHostRoot
        if let idleReadTimeout { configuration.idleReadTimeout = idleReadTimeout }
        try configure(&configuration)
        let connection: ClusterConnection
        if inCluster {
            let serviceAccount = directory.appendingPathComponent("serviceaccount")
            try FileManager.default.createDirectory(at: serviceAccount, withIntermediateDirectories: true)
            try (sandbox.token ?? "").write(to: serviceAccount.appendingPathComponent("token"), atomically: true, encoding: .utf8)
            try (sandbox.certificateAuthorityPEM ?? "").write(to: serviceAccount.appendingPathComponent("ca.crt"), atomically: true, encoding: .utf8)
            let address = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "\(sandbox.port ?? port)"]
            connection = try InClusterConfig.connection(environment: address, serviceAccountDirectory: serviceAccount.path)
        } else {
            connection = try ClusterConnection.fromKubeConfig(paths: [kubeconfigPath], context: nil)
        }
        let logs = LogCapture()
        self.logs = logs
        let logger = Logger(label: "agent-under-test") { _ in CapturingLogHandler(capture: logs) }
        let runtime = AgentRuntime(configuration: configuration, connection: connection, logger: logger)
        self.runtime = runtime
        task = Task { try await runtime.run(gracefulShutdownSignals: []) }
    }

    func stop() async {
        await runtime.stop()
        _ = await task.result
        await sandbox.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    func nodeFile() -> String? {
        try? String(contentsOfFile: nodeFilePath, encoding: .utf8)
    }

    /// Polls until `condition` holds; fails the test with `what` after `timeout`.
    func eventually(_ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)")
        throw HarnessTimeout()
    }

    func status() async -> AgentStatus { await runtime.state.status() }

    /// GET on the agent's own HTTP endpoint, as the kubelet's probes and Prometheus do.
    func get(_ path: String) async throws -> (status: Int, body: String) {
        try await eventually("the agent's HTTP endpoints to listen") { runtime.listeningPort != nil }
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(runtime.listeningPort!)\(path)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// Replaces the ConfigMap's data with that of an example manifest, as `kubectl apply` would.
    func edit(to exampleName: String) throws {
        try sandbox.seed(manifest: try example(exampleName))
    }
}

struct HarnessTimeout: Error {}

/// The agent's log lines, kept in memory for tests to count and search.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }.map { "\($0.key)=\($0.value)" }.sorted()
        capture.append(([event.level.rawValue, "\(event.message)"] + fields).joined(separator: " "))
    }
}

extension AgentHarness {
    /// A kubeconfig for a sandbox that is not listening yet (its port chosen in advance).
    static func kubeconfig(server: String, sandbox: Sandbox, tokenFile: String) throws -> String {
        let ca = Data(try #require(sandbox.certificateAuthorityPEM).utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: \(server)
                certificate-authority-data: \(ca)
            users:
            - name: sandbox
              user:
                tokenFile: \(tokenFile)
            contexts:
            - name: sandbox
              context: {cluster: sandbox, user: sandbox}
            current-context: sandbox

            """
    }
}

/// A loopback port nothing listens on right now: bound, read and closed.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw HarnessTimeout() }
    return Int(UInt16(bigEndian: address.sin_port))
}
