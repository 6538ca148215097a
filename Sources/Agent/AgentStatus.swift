import ENIConfig

/// What `/status` serves: enough for an operator (or a fleet view through the API server's pod
/// proxy) to see which version this node applied, what it thinks of the latest one, and why.
/// Only data derived from our two keys appears here, never the ConfigMap's other keys.
public struct AgentStatus: Sendable, Codable, Hashable {
    public struct Applied: Sendable, Codable, Hashable {
        public var resourceVersion: String?
        public var sha256: String
        /// RFC 3339, UTC.
        public var appliedAt: String
    }

    public struct Latest: Sendable, Codable, Hashable {
        public var resourceVersion: String?
        public var valid: Bool
        public var sha256: String?
        /// The first `ObservedVersion.diagnosticLimit` findings.
        public var diagnostics: [Diagnostic]
        /// How many more there were.
        public var diagnosticsOmitted: Int
    }

    public struct NodeFile: Sendable, Codable, Hashable {
        public var path: String
        public var present: Bool
        public var sha256: String?
        /// Findings about the CNI directory and the plugin binaries (shadowing files, missing binaries).
        public var findings: [Diagnostic]
    }

    /// The agent's build (`--version`).
    public var version: String
    public var node: String
    public var mode: ApplyMode
    public var ready: Bool
    /// Why the agent is not ready; nil when ready.
    public var reason: String?
    public var pending: Bool
    public var configMapDeleted: Bool
    public var applied: Applied?
    public var latest: Latest?
    public var nodeFile: NodeFile
    public var watch: WatchHealth
    /// The `kubectl.kubernetes.io/restartedAt` of the rollout that started this pod, if any.
    public var rolloutRestartedAt: String?
}

extension AgentStatus {
    private enum CodingKeys: String, CodingKey {
        case version, node, mode, ready, reason, pending, configMapDeleted, applied, latest, nodeFile, watch, rolloutRestartedAt
    }

    /// `applied`, `latest` and `reason` are written as `null` when absent, as the status contract shows them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(node, forKey: .node)
        try container.encode(mode, forKey: .mode)
        try container.encode(ready, forKey: .ready)
        try container.encode(reason, forKey: .reason)
        try container.encode(pending, forKey: .pending)
        try container.encode(configMapDeleted, forKey: .configMapDeleted)
        try container.encode(applied, forKey: .applied)
        try container.encode(latest, forKey: .latest)
        try container.encode(nodeFile, forKey: .nodeFile)
        try container.encode(watch, forKey: .watch)
        try container.encode(rolloutRestartedAt, forKey: .rolloutRestartedAt)
    }
}
