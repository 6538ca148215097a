import Foundation
import KubeSandbox
import Yams

/// What a fleet is made of: its nodes, the agent binary, the DaemonSet and ConfigMap installed.
public struct FleetConfiguration: Sendable {
    public var nodes: [FleetNodeSpec]
    /// The `eni-config-agent` binary each pod runs.
    public var agentExecutable: String
    /// The agent's DaemonSet manifest (YAML), installed as the cluster's `terway-eniip`.
    public var daemonSetManifest: String
    /// The manifest seeded before the agents start (eni-config).
    public var seedManifest: String
    /// Replaces the `--apply=` argument of the DaemonSet's container when set (`on-start`, `live`).
    public var applyMode: String?
    /// Replaces the rolling update's `maxUnavailable` when set (`1`, `10%`).
    public var maxUnavailable: String?
    /// The kubelets' probe period instead of the manifest's `periodSeconds`.
    public var probePeriod: Duration?
    /// Where the nodes' roots and the agents' kubeconfig go; must exist.
    public var directory: String
    public var sandbox: SandboxConfiguration

    public init(
        nodes: [FleetNodeSpec], agentExecutable: String, directory: String,
        daemonSetManifest: String, seedManifest: String,
        applyMode: String? = nil, maxUnavailable: String? = nil, probePeriod: Duration? = .seconds(1),
        sandbox: SandboxConfiguration = SandboxConfiguration()
    ) {
        self.nodes = nodes
        self.agentExecutable = agentExecutable
        self.directory = directory
        self.daemonSetManifest = daemonSetManifest
        self.seedManifest = seedManifest
        self.applyMode = applyMode
        self.maxUnavailable = maxUnavailable
        self.probePeriod = probePeriod
        self.sandbox = sandbox
    }

    /// The repository's manifests, for a fleet run from a checkout: `deploy/daemonset.yaml` and
    /// `examples/eni-config.yaml`.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let repositoryDaemonSet = repositoryRoot.appendingPathComponent("deploy/daemonset.yaml").path
    public static let repositorySeed = repositoryRoot.appendingPathComponent("examples/eni-config.yaml").path
}

/// A simulated cluster: the sandbox API server with Nodes, the agent's DaemonSet, its
/// controller and kubelets, and one real agent process per node, each with its own node root.
public final class Fleet: Sendable {
    public static let namespace = "kube-system"
    public static let daemonSetName = "terway-eniip"

    public let sandbox: Sandbox
    public let nodes: [FleetNode]
    /// The kubeconfig the agents (and anyone else) use to reach the sandbox.
    public let kubeconfigPath: String

    private init(sandbox: Sandbox, nodes: [FleetNode], kubeconfigPath: String) {
        self.sandbox = sandbox
        self.nodes = nodes
        self.kubeconfigPath = kubeconfigPath
    }

    /// Starts the sandbox, lays out the nodes, installs eni-config and the DaemonSet, and starts
    /// the controllers; the agents start as their pods are scheduled (see `waitUntilRolledOut`).
    public static func start(_ configuration: FleetConfiguration) async throws -> Fleet {
        let sandbox = try Sandbox(configuration: configuration.sandbox)
        try await sandbox.start()
        do {
            let kubeconfigPath = configuration.directory + "/kubeconfig"
            try sandbox.writeKubeconfig(to: kubeconfigPath)
            try sandbox.seed(manifest: configuration.seedManifest)
            // Every fleet gets its own 127.x/16, so fleets on one machine do not share addresses.
            let network = UInt8.random(in: 16...250)
            var nodes: [FleetNode] = []
            for (index, spec) in configuration.nodes.enumerated() {
                let ip = "127.\(network).\(index / 250 + 1).\(index % 250 + 1)"
                let node = try FleetNode.make(spec, ip: ip, under: configuration.directory + "/nodes")
                try sandbox.registerNode(SandboxNode(name: spec.name, internalIP: ip, kernelVersion: spec.kernelRelease))
                nodes.append(node)
            }
            try sandbox.seed(manifest: try installable(configuration))
            sandbox.startWorkloads(
                runner: AgentPodRunner(
                    executable: configuration.agentExecutable, kubeconfig: kubeconfigPath,
                    nodes: Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0) })),
                probePeriod: configuration.probePeriod)
            return Fleet(sandbox: sandbox, nodes: nodes, kubeconfigPath: kubeconfigPath)
        } catch {
            await sandbox.stopWorkloads()
            await sandbox.shutdown()
            throw error
        }
    }

    /// Stops the agents, then the sandbox.
    public func shutdown() async {
        await sandbox.stopWorkloads()
        await sandbox.shutdown()
    }

    public var daemonSet: SandboxDaemonSet? {
        sandbox.daemonSet(namespace: Self.namespace, name: Self.daemonSetName)
    }

    /// Waits until every node runs a Ready pod of the current template, as `kubectl rollout
    /// status` would report success.
    public func waitUntilRolledOut(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = daemonSet, status.observedGeneration >= status.generation, status.desired == nodes.count,
               status.updated == status.desired, status.available == status.desired {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FleetError.timeout("the DaemonSet did not roll out on \(nodes.count) nodes within \(timeout): \(String(describing: daemonSet))")
    }

    /// The DaemonSet manifest as JSON, with the configuration's overrides applied.
    static func installable(_ configuration: FleetConfiguration) throws -> String {
        guard var object = try Yams.load(yaml: configuration.daemonSetManifest) as? [String: Any],
              object["kind"] as? String == "DaemonSet"
        else {
            throw FleetError.manifest("expected one DaemonSet")
        }
        object["metadata"] = (object["metadata"] as? [String: Any] ?? [:]).merging(["name": daemonSetName, "namespace": namespace]) { $1 }
        var spec = object["spec"] as? [String: Any] ?? [:]
        if let maxUnavailable = configuration.maxUnavailable {
            let value: Any = Int(maxUnavailable) ?? maxUnavailable
            spec["updateStrategy"] = ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": value, "maxSurge": 0]]
        }
        if let applyMode = configuration.applyMode {
            var template = spec["template"] as? [String: Any] ?? [:]
            var podSpec = template["spec"] as? [String: Any] ?? [:]
            var containers = podSpec["containers"] as? [[String: Any]] ?? []
            guard !containers.isEmpty else { throw FleetError.manifest("the template has no container") }
            let arguments = (containers[0]["args"] as? [String] ?? []).filter { !$0.hasPrefix("--apply=") && $0 != "--apply" }
            containers[0]["args"] = arguments + ["--apply=\(applyMode)"]
            podSpec["containers"] = containers
            template["spec"] = podSpec
            spec["template"] = template
        }
        object["spec"] = spec
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
