import ENIConfig

/// One node of the fleet view: its pod and what its agent says (or why it could not be asked).
public struct NodeRow: Encodable, Sendable, Equatable {
    public var node: String
    public var pod: String
    public var podReady: Bool
    public var agent: AgentReport?
    /// Why the agent's `/status` could not be read.
    public var unreachable: String?

    public init(node: String, pod: String, podReady: Bool, agent: AgentReport?, unreachable: String? = nil) {
        self.node = node
        self.pod = pod
        self.podReady = podReady
        self.agent = agent
        self.unreachable = unreachable
    }

    /// The agent rejects the ConfigMap's current version on this node.
    func isInvalid(_ configMapVersion: String?) -> Bool {
        guard let latest = agent?.latest, !latest.valid else { return false }
        return configMapVersion.map { isAtLeast(latest.resourceVersion, $0) } ?? true
    }

    /// What the node file holds: its sha256 as the agent read it, else what the agent applied.
    var fileSHA256: String? {
        agent?.nodeFile?.sha256 ?? agent?.applied?.sha256
    }

    /// The node file holds this version's render for this node.
    func isCurrent(_ configMapVersion: String?) -> Bool {
        guard let agent, let applied = agent.applied, !agent.pending else { return false }
        return configMapVersion.map { isAtLeast(applied.resourceVersion, $0) } ?? true
    }
}

/// The fleet at a glance: per node, and the counts an operator wants on one line.
public struct FleetStatus: Encodable, Sendable, Equatable {
    public struct Summary: Encodable, Sendable, Equatable {
        public struct Group: Encodable, Sendable, Equatable {
            public var sha256: String
            public var nodes: Int
        }

        public var nodes: Int
        /// Nodes per node file, largest group first.
        public var files: [Group]
        public var current: Int
        public var pending: Int
        public var invalid: Int
        public var notReady: Int
        public var unreachable: Int
    }

    public var daemonSet: String
    public var configMap: String
    /// The ConfigMap's resourceVersion now; nil when it could not be read.
    public var configMapResourceVersion: String?
    public var rows: [NodeRow]
    public var summary: Summary

    private enum CodingKeys: String, CodingKey {
        case daemonSet, configMap, configMapResourceVersion, rows = "nodes", summary
    }

    public init(daemonSet: String, configMap: String, configMapResourceVersion: String?, rows: [NodeRow]) {
        self.daemonSet = daemonSet
        self.configMap = configMap
        self.configMapResourceVersion = configMapResourceVersion
        self.rows = rows.sorted { $0.node < $1.node }
        var groups: [String: Int] = [:]
        for row in rows {
            if let sha = row.fileSHA256 { groups[sha, default: 0] += 1 }
        }
        summary = Summary(
            nodes: rows.count,
            files: groups.map { Summary.Group(sha256: $0.key, nodes: $0.value) }
                .sorted { ($0.nodes, $1.sha256) > ($1.nodes, $0.sha256) },
            current: rows.filter { $0.isCurrent(configMapResourceVersion) }.count,
            pending: rows.filter { $0.agent?.pending == true }.count,
            invalid: rows.filter { $0.isInvalid(configMapResourceVersion) }.count,
            notReady: rows.filter { !$0.podReady }.count,
            unreachable: rows.filter { $0.unreachable != nil }.count)
    }

    /// Every node Ready and holding the current version.
    public var isSettled: Bool {
        summary.current == summary.nodes && summary.notReady == 0 && summary.unreachable == 0
    }

    /// `12/15 nodes on 3f2a9c1b0e7d, 3 pending, 0 invalid` (further node files and problems appended).
    public var summaryLine: String {
        let total = summary.nodes
        var parts: [String]
        if let first = summary.files.first {
            parts = ["\(first.nodes)/\(total) nodes on \(Self.short(first.sha256))"]
            parts += summary.files.dropFirst().map { "\($0.nodes)/\(total) on \(Self.short($0.sha256))" }
        } else {
            parts = ["0/\(total) nodes with a file"]
        }
        parts += ["\(summary.pending) pending", "\(summary.invalid) invalid"]
        if summary.notReady > 0 { parts.append("\(summary.notReady) not ready") }
        if summary.unreachable > 0 { parts.append("\(summary.unreachable) unreachable") }
        let version = configMapResourceVersion.map { " (\(configMap) resourceVersion \($0): \(summary.current)/\(total) applied)" } ?? ""
        return parts.joined(separator: ", ") + version
    }

    /// The table `kubectl eni-config status` prints, columns padded as kubectl pads them.
    public var table: String {
        var lines = [["NODE", "POD", "READY", "FILE", "APPLIED", "PENDING", "LATEST", "FINDINGS"]]
        for row in rows {
            let agent = row.agent
            let latest: String
            if let unreachable = row.unreachable {
                latest = "unreachable: \(unreachable)"
            } else if let version = agent?.latest {
                let verdict = version.valid ? "valid" : "invalid (\(version.diagnostics.errors.first?.rule ?? "error"))"
                latest = "\(version.resourceVersion ?? "-") \(verdict)"
            } else {
                latest = agent?.reason ?? "-"
            }
            let findings = agent?.nodeFile?.findings ?? []
            lines.append([
                row.node, row.pod,
                row.podReady ? "true" : "false",
                row.fileSHA256.map(Self.short) ?? "<none>",
                agent?.applied?.resourceVersion ?? "-",
                agent.map { $0.pending ? "yes" : "no" } ?? "-",
                latest,
                findings.isEmpty ? "0" : "\(findings.count) (\(findings[0].rule))",
            ])
        }
        let widths = lines[0].indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { line in
            line.enumerated().map { index, cell in
                index == line.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 3)
            }.joined()
        }.joined(separator: "\n")
    }

    /// How the status and Event notes shorten a sha256.
    public static func short(_ sha256: String) -> String { String(sha256.prefix(12)) }
}
