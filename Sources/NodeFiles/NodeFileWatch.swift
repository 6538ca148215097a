import ENIConfig

/// The node file as last seen, by content, so the apply policy can compare it with renders.
public enum NodeFileState: Sendable, Hashable {
    case missing
    case holds(sha256: String)
    /// Something is there that cannot be read (a directory, no permission).
    case unreadable
}

/// Notices when the node file changes behind the agent's back (terwayd's copy arriving):
/// one `stat()` per poll, and a read and hash only when its `FileIdentity` moved.
public struct NodeFileWatch: Sendable {
    public let directory: CNIDirectory
    private var lastIdentity: FileIdentity?
    private var reported: NodeFileState?

    public init(directory: CNIDirectory) {
        self.directory = directory
    }

    /// The new state when it differs from the one last returned; nil when nothing changed.
    public mutating func poll() -> NodeFileState? {
        let state: NodeFileState
        switch Result(catching: { () throws(NodeFileError) in try FileIdentity.of(directory.nodeFilePath) }) {
        case .success(nil):
            lastIdentity = nil
            state = .missing
        case .failure:
            lastIdentity = nil
            state = .unreadable
        case .success(let identity?):
            guard identity != lastIdentity || reported == nil else { return nil }
            lastIdentity = identity
            switch Result(catching: { () throws(NodeFileError) in try directory.currentNodeFile() }) {
            case .success(let bytes?): state = .holds(sha256: ContentHash.sha256Hex(bytes))
            case .success(nil): state = .missing
            case .failure: state = .unreadable
            }
        }
        guard state != reported else { return nil }
        reported = state
        return state
    }
}
