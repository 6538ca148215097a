import ENIConfig
import KubeAPI

/// What the plugin reads of an agent's `/nodefile`: the node file, the CNI directory's findings
/// and the render that belongs in the file (docs/operating.md, "Read the agent's state").
public struct NodeFileView: Codable, Sendable, Equatable {
    public struct Render: Codable, Sendable, Equatable {
        public var resourceVersion: String?
        public var sha256: String
        public var content: String
    }

    public var node: String
    public var path: String
    public var present: Bool
    public var sha256: String?
    public var content: String?
    public var unreadable: String?
    public var findings: [ReportedDiagnostic]
    public var expected: Render?
    /// `latest` (the live version's render) or `lastGood` (the live version is invalid here).
    public var basis: String?
    public var pending: Bool

    /// The file holds exactly what belongs there.
    public var matches: Bool {
        guard let expected else { return false }
        return sha256 == expected.sha256
    }
}

/// One node seen closely: its pod and what its agent says about the node file.
public struct NodeInspection: Encodable, Sendable {
    public var pod: String
    public var podReady: Bool
    public var nodeFile: NodeFileView
}

extension PluginCluster {
    /// The node's agent pod and its `/nodefile`, through the pod proxy.
    public func inspect(node: String) async throws -> NodeInspection {
        let daemonSet = try await daemonSet()
        guard let port = daemonSet.agentPort else {
            throw KubeAPIError.malformedResponse("DaemonSet \(namespace)/\(daemonSetName) names no container port for the agent")
        }
        guard let pod = try await pods(of: daemonSet, node: node).first else {
            throw InspectError.noPod(node: node, daemonSet: "\(namespace)/\(daemonSetName)")
        }
        let view = try decode(NodeFileView.self, try await agent(pod, port: port, path: "nodefile"), what: "/nodefile of \(pod.name)")
        return NodeInspection(pod: pod.name, podReady: pod.isReady, nodeFile: view)
    }
}

public enum InspectError: Error, CustomStringConvertible {
    case noPod(node: String, daemonSet: String)

    public var description: String {
        switch self {
        case .noPod(let node, let daemonSet):
            "no pod of DaemonSet \(daemonSet) runs on node \(node); `kubectl get pods -n kube-system -o wide` lists the nodes it runs on"
        }
    }
}
