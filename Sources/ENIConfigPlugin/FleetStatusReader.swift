import Foundation
import KubeAPI

extension PluginCluster {
    /// The fleet view: the DaemonSet's pods and every agent's `/status`, read through the pod
    /// proxy in parallel, at most `parallel` at once, so a large fleet neither waits for each
    /// node in turn nor floods the API server.
    public func fleetStatus(parallel: Int = 16) async throws -> FleetStatus {
        let daemonSet = try await daemonSet()
        guard let port = daemonSet.agentPort else {
            throw KubeAPIError.malformedResponse("DaemonSet \(namespace)/\(daemonSetName) names no container port for the agent")
        }
        async let configMap = configMap()
        let pods = try await pods(of: daemonSet)
        let rows = try await boundedMap(pods, parallel: parallel) { await row(for: $0, port: port) }
        return FleetStatus(
            daemonSet: daemonSetName, configMap: configMapName,
            configMapResourceVersion: try await configMap?.resourceVersion, rows: rows)
    }

    private func row(for pod: PodInfo, port: Int) async -> NodeRow {
        var row = NodeRow(node: pod.node, pod: pod.name, podReady: pod.isReady, agent: nil)
        do {
            row.agent = try await agentReport(pod, port: port)
        } catch {
            row.unreachable = "\(error)"
        }
        return row
    }
}
