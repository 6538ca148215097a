import ENIConfig
import Foundation
import KubeAPI

/// Makes a chain edit on the live ConfigMap: read, edit, validate, write only `10-terway.conflist`
/// with a merge patch conditional on the version read (a dry run sends it with `dryRun=All`); a
/// 409 means someone wrote in between, so the edit is made again on what is there now.
public struct ChainWriter: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The edit changes nothing.
        case unchanged
        /// The edited data is invalid: nothing was written.
        case invalid(before: String, after: String, diagnostics: [Diagnostic])
        case dryRun(before: String, after: String, resourceVersion: String)
        case written(before: String, after: String, resourceVersion: String)
    }

    static let attempts = 5

    let cluster: PluginCluster

    public init(cluster: PluginCluster) {
        self.cluster = cluster
    }

    public func list() async throws -> [(type: String, configuration: String)] {
        try Chain.list(try await liveConfigMap().data)
    }

    public func apply(_ edit: ChainEdit, dryRun: Bool) async throws -> Outcome {
        var attempt = 1
        while true {
            let configMap = try await liveConfigMap()
            let edited = try Chain.apply(edit, to: configMap.data)
            let before = configMap.data[ConfigMapData.conflistKey] ?? ""
            let after = edited[ConfigMapData.conflistKey] ?? ""
            guard after != before else { return .unchanged }
            let evaluation = ENIConfig.evaluate(ConfigMapData(data: edited, binaryDataKeys: configMap.binaryDataKeys, resourceVersion: configMap.resourceVersion))
            guard evaluation.isValid else { return .invalid(before: before, after: after, diagnostics: evaluation.diagnostics) }
            let patch = try JSONSerialization.data(withJSONObject: [
                "metadata": ["resourceVersion": configMap.resourceVersion],
                "data": [ConfigMapData.conflistKey: after],
            ], options: [.sortedKeys])
            do {
                // A dry run goes to the API server too (`dryRun=All`): its validation and the
                // admission webhooks see the edit, and nothing is stored.
                let body = try await cluster.client.request(
                    .PATCH, path: "/api/v1/namespaces/\(cluster.namespace)/configmaps/\(cluster.configMapName)",
                    query: dryRun ? [("dryRun", "All")] : [], body: Array(patch), contentType: "application/merge-patch+json")
                if dryRun { return .dryRun(before: before, after: after, resourceVersion: configMap.resourceVersion) }
                let written = (try? JSONDecoder().decode(Written.self, from: Data(body)))?.metadata.resourceVersion ?? "?"
                return .written(before: before, after: after, resourceVersion: written)
            } catch let error as KubeAPIError where error.statusCode == 409 && attempt < Self.attempts {
                attempt += 1
            }
        }
    }

    /// Pods not yet finished that lose what they use when `type` leaves the chain: hostPorts
    /// without portmap (Terway's stale-DNAT lesson, its PR #1018: the rules of pods set up with
    /// portmap stay behind when it is gone from their DEL), bandwidth annotations without
    /// bandwidth. Pending pods count: they start without what they ask for.
    public func podsRelyingOn(_ type: String) async throws -> [String] {
        let uses: (PodUse) -> Bool
        switch type {
        case "portmap": uses = \.hasHostPort
        case "bandwidth": uses = \.hasBandwidthAnnotation
        default: return []
        }
        let body = try await cluster.client.request(.GET, path: "/api/v1/pods", query: [("fieldSelector", "status.phase!=Succeeded,status.phase!=Failed")])
        let pods = try JSONDecoder().decode(PodUseList.self, from: Data(body)).items
        return pods.filter(uses).map { "\($0.metadata.namespace ?? "")/\($0.metadata.name)" }
    }

    private func liveConfigMap() async throws -> ConfigMapObject {
        guard let configMap = try await cluster.configMap() else {
            throw ChainEditError("ConfigMap \(cluster.namespace)/\(cluster.configMapName) does not exist")
        }
        return configMap
    }

    private struct Written: Decodable {
        struct Metadata: Decodable { var resourceVersion: String? }
        var metadata: Metadata
    }
}

/// What `chain remove` checks on a pod before it takes portmap or bandwidth away.
struct PodUse: Decodable {
    struct Metadata: Decodable {
        var name: String
        var namespace: String?
        var annotations: [String: String]?
    }
    struct Port: Decodable { var hostPort: Int? }
    struct Container: Decodable { var ports: [Port]? }
    struct Spec: Decodable {
        var hostNetwork: Bool?
        var containers: [Container]?
    }

    var metadata: Metadata
    var spec: Spec

    /// A hostPort on a pod network pod is what portmap maps (host-network pods need no mapping).
    var hasHostPort: Bool {
        spec.hostNetwork != true && (spec.containers ?? []).contains { ($0.ports ?? []).contains { ($0.hostPort ?? 0) > 0 } }
    }

    var hasBandwidthAnnotation: Bool {
        let annotations = metadata.annotations ?? [:]
        return annotations["kubernetes.io/ingress-bandwidth"] != nil || annotations["kubernetes.io/egress-bandwidth"] != nil
    }
}

struct PodUseList: Decodable {
    var items: [PodUse]
}
