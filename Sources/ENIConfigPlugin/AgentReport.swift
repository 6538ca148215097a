import ENIConfig

/// What the plugin reads of an agent's `/status` (docs/operating.md, "Read the agent's state").
public struct AgentReport: Codable, Sendable, Equatable {
    public struct Applied: Codable, Sendable, Equatable {
        public var resourceVersion: String?
        public var sha256: String
        public var appliedAt: String?
    }

    public struct Latest: Codable, Sendable, Equatable {
        public var resourceVersion: String?
        public var valid: Bool
        public var sha256: String?
        public var diagnostics: [ReportedDiagnostic]

        public init(resourceVersion: String?, valid: Bool, sha256: String?, diagnostics: [ReportedDiagnostic]) {
            self.resourceVersion = resourceVersion
            self.valid = valid
            self.sha256 = sha256
            self.diagnostics = diagnostics
        }
    }

    public struct NodeFile: Codable, Sendable, Equatable {
        public var path: String?
        public var present: Bool
        public var sha256: String?
        public var findings: [ReportedDiagnostic]

        public init(path: String?, present: Bool, sha256: String?, findings: [ReportedDiagnostic]) {
            self.path = path
            self.present = present
            self.sha256 = sha256
            self.findings = findings
        }
    }

    public var node: String
    public var ready: Bool
    /// Why the agent is not ready.
    public var reason: String?
    public var pending: Bool
    public var applied: Applied?
    public var latest: Latest?
    public var nodeFile: NodeFile?

    public init(
        node: String, ready: Bool, reason: String? = nil, pending: Bool = false,
        applied: Applied? = nil, latest: Latest? = nil, nodeFile: NodeFile? = nil
    ) {
        self.node = node
        self.ready = ready
        self.reason = reason
        self.pending = pending
        self.applied = applied
        self.latest = latest
        self.nodeFile = nodeFile
    }
}

extension AgentReport.Applied {
    public init(resourceVersion: String?, sha256: String) {
        self.init(resourceVersion: resourceVersion, sha256: sha256, appliedAt: nil)
    }
}

/// resourceVersions compare as integers in practice (kubernetes-watch.md); anything else only by equality.
func isAtLeast(_ version: String?, _ wanted: String) -> Bool {
    guard let version else { return false }
    if let have = UInt64(version), let want = UInt64(wanted) { return have >= want }
    return version == wanted
}
