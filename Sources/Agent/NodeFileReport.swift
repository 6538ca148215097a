import ENIConfig
import NodeFiles

/// What `/nodefile` serves for `kubectl eni-config inspect NODE`: the node file's text, the CNI
/// directory's findings, and the render that belongs in the file, so that the difference can be
/// shown without access to the node. The file holds only what the agent renders from the
/// ConfigMap's two chain keys (or what someone else put there), never `eni_conf`.
public struct NodeFileReport: Sendable, Codable, Hashable {
    /// A render the agent holds, with the version it came from.
    public struct Render: Sendable, Codable, Hashable {
        public var resourceVersion: String?
        public var sha256: String
        public var content: String
    }

    /// Why `expected` is what belongs in the file.
    public enum Basis: String, Sendable, Codable, Hashable {
        /// The latest version is valid on this node: its render.
        case latest
        /// The latest version is invalid on this node (or none was seen): the last good render stays.
        case lastGood
    }

    public var node: String
    public var path: String
    public var present: Bool
    public var sha256: String?
    /// The file's text (bytes that are not UTF-8 replaced); nil when absent or unreadable.
    public var content: String?
    /// Why the file could not be read.
    public var unreadable: String?
    public var findings: [Diagnostic]
    /// Nil when the agent has neither a valid version nor a last good render.
    public var expected: Render?
    public var basis: Basis?
    /// On-start mode holds `expected` back until the pod restarts.
    public var pending: Bool
}

extension NodeFileReport {
    init(node: String, path: String, file: Result<[UInt8]?, NodeFileError>, findings: [Diagnostic], reconciler: Reconciler) {
        self.node = node
        self.path = path
        self.findings = findings
        pending = reconciler.pending
        present = false
        switch file {
        case .success(let bytes?):
            present = true
            sha256 = ContentHash.sha256Hex(bytes)
            content = String(decoding: bytes, as: UTF8.self)
        case .success(nil):
            present = false
        case .failure(let error):
            present = true
            unreadable = error.description
        }
        if let latest = reconciler.latest, let conflist = latest.conflist {
            expected = Render(resourceVersion: latest.resourceVersion, conflist)
            basis = .latest
        } else if let lastGood = reconciler.lastGood {
            let version = reconciler.applied.flatMap { $0.conflist == lastGood ? $0.resourceVersion : nil }
            expected = Render(resourceVersion: version, lastGood)
            basis = .lastGood
        }
    }
}

extension NodeFileReport.Render {
    init(resourceVersion: String?, _ conflist: RenderedConflist) {
        self.init(resourceVersion: resourceVersion, sha256: conflist.sha256, content: String(decoding: conflist.bytes, as: UTF8.self))
    }
}
