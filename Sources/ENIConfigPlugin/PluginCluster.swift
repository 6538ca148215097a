import Foundation
import KubeAPI

/// The requests the plugin makes, over KubeAPI's client: the DaemonSet, its pods, the
/// ConfigMap, an agent's endpoints through the pod proxy, and the writes `rollout` and
/// `chain` do.
public struct PluginCluster: Sendable {
    public let client: KubeClient
    public let namespace: String
    public let daemonSetName: String
    public let configMapName: String

    public init(client: KubeClient, namespace: String, daemonSetName: String, configMapName: String) {
        self.client = client
        self.namespace = namespace
        self.daemonSetName = daemonSetName
        self.configMapName = configMapName
    }

    private var daemonSetPath: String { "/apis/apps/v1/namespaces/\(namespace)/daemonsets/\(daemonSetName)" }

    public func daemonSet() async throws -> DaemonSetInfo {
        try decode(DaemonSetInfo.self, try await client.request(.GET, path: daemonSetPath), what: "DaemonSet \(namespace)/\(daemonSetName)")
    }

    /// The DaemonSet's pods, optionally on one node.
    public func pods(of daemonSet: DaemonSetInfo, node: String? = nil) async throws -> [PodInfo] {
        var query = [("labelSelector", daemonSet.podSelector)]
        if let node { query.append(("fieldSelector", "spec.nodeName=\(node)")) }
        let body = try await client.request(.GET, path: "/api/v1/namespaces/\(namespace)/pods", query: query)
        return try decode(PodList.self, body, what: "pods of \(daemonSetName)").items.filter { $0.metadata.deletionTimestamp == nil }
    }

    /// The ConfigMap by a consistent read; nil when it does not exist.
    public func configMap() async throws -> ConfigMapObject? {
        try await client.listConfigMap(namespace: namespace, name: configMapName, resourceVersion: nil).object
    }

    /// GET on an agent's endpoint through `pods/{name}:{port}/proxy`.
    public func agent(_ pod: PodInfo, port: Int, path: String) async throws -> [UInt8] {
        try await client.request(.GET, path: "/api/v1/namespaces/\(namespace)/pods/\(pod.name):\(port)/proxy/\(path)")
    }

    public func agentReport(_ pod: PodInfo, port: Int) async throws -> AgentReport {
        try decode(AgentReport.self, try await agent(pod, port: port, path: "status"), what: "/status of \(pod.name)")
    }

    /// A JSON merge patch on the DaemonSet; returns it as patched.
    @discardableResult
    public func patchDaemonSet(_ patch: [UInt8]) async throws -> DaemonSetInfo {
        let body = try await client.request(.PATCH, path: daemonSetPath, body: patch, contentType: "application/merge-patch+json")
        return try decode(DaemonSetInfo.self, body, what: "DaemonSet \(namespace)/\(daemonSetName)")
    }

    /// Deletes a pod, only if it is still the one meant (its uid).
    public func deletePod(_ pod: PodInfo) async throws {
        var options: [String: Any] = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let uid = pod.metadata.uid { options["preconditions"] = ["uid": uid] }
        let body = try JSONSerialization.data(withJSONObject: options)
        _ = try await client.request(.DELETE, path: "/api/v1/namespaces/\(namespace)/pods/\(pod.name)", body: Array(body))
    }

    func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8], what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw KubeAPIError.malformedResponse("\(what): \(error)")
        }
    }
}
