#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ENIConfig

/// The node file as last seen, by content, so the apply policy can compare it with renders.
public enum NodeFileState: Sendable, Hashable {
    case missing
    case holds(sha256: String)
    /// Something is there that cannot be read (a directory, no permission).
    case unreadable
}

/// Notices when the node file changes behind the agent's back (terwayd's copy arriving):
/// one `stat()` per poll, and a read and hash only when its identity, size or mtime moved.
public struct NodeFileWatch: Sendable {
    private struct Stamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    public let directory: CNIDirectory
    private var lastStamp: Stamp?
    private var reported: NodeFileState?

    public init(directory: CNIDirectory) {
        self.directory = directory
    }

    /// The new state when it differs from the one last returned; nil when nothing changed.
    public mutating func poll() -> NodeFileState? {
        var status = stat()
        let state: NodeFileState
        if stat(directory.nodeFilePath, &status) != 0 {
            lastStamp = nil
            state = errno == ENOENT ? .missing : .unreadable
        } else {
            let stamp = Stamp(
                device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
                modifiedSeconds: Int(status.st_mtim.tv_sec), modifiedNanoseconds: Int(status.st_mtim.tv_nsec))
            guard stamp != lastStamp || reported == nil else { return nil }
            lastStamp = stamp
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
