import ENIConfig

/// The CNI configuration directory (`--cni-dir`, `/etc/cni/net.d`) and the node file in it,
/// `10-terway.conflist`, the one file this package writes there.
public struct CNIDirectory: Sendable, Hashable {
    public static let nodeFileName = "10-terway.conflist"
    /// The single-plugin file older Terway versions wrote. It sorts before the node file, so
    /// runtimes would keep loading it: it goes once the conflist is in place.
    public static let staleConfName = "10-terway.conf"

    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var nodeFilePath: String { joinPath(path, Self.nodeFileName) }

    /// The node file's bytes as runtimes read them (a symbolic link is followed); nil when absent.
    public func currentNodeFile() throws(NodeFileError) -> [UInt8]? {
        try readFileIfPresent(nodeFilePath)
    }

    /// Puts `conflist` on the node atomically (docs/contracts.md, "The node file", steps 2–6; the
    /// last-good record is `LastGoodStore`'s): nothing is written when the node file already
    /// holds exactly these bytes; a missing directory is created, an existing one never removed or
    /// recreated; a stale `10-terway.conf` is removed only once the new file is durably in place.
    /// Throws only when the node file is as it was. What fails after the rename (the directory's
    /// fsync, the stale file's removal) leaves the new version in place and is in `warnings`.
    public func write(_ conflist: RenderedConflist) throws(NodeFileError) -> WriteOutcome {
        let directory = try LockedDirectory(path: path)
        var outcome = WriteOutcome(wroteNodeFile: false, removedStaleConf: false)
        switch try directory.replaceFile(named: Self.nodeFileName, with: conflist.bytes) {
        case .unchanged:
            break
        case .replaced(let notDurable):
            outcome.wroteNodeFile = true
            if let notDurable {
                // Removing the stale file before the rename is durable could leave neither after a crash.
                outcome.warnings = [notDurable]
                return outcome
            }
        }
        do throws(NodeFileError) {
            outcome.removedStaleConf = try directory.removeFile(named: Self.staleConfName)
            if outcome.removedStaleConf { try directory.sync() }
        } catch {
            outcome.warnings.append(error)
        }
        return outcome
    }
}

/// What `CNIDirectory.write` changed on the node.
public struct WriteOutcome: Sendable, Hashable, CustomStringConvertible {
    /// False when the node file already held exactly the rendered bytes (its mtime is untouched).
    public var wroteNodeFile: Bool
    /// True when a stale `10-terway.conf` was removed after the node file was in place.
    public var removedStaleConf: Bool
    /// Steps after the rename that failed: the node file holds the new version all the same.
    public var warnings: [NodeFileError]

    public init(wroteNodeFile: Bool, removedStaleConf: Bool, warnings: [NodeFileError] = []) {
        self.wroteNodeFile = wroteNodeFile
        self.removedStaleConf = removedStaleConf
        self.warnings = warnings
    }

    public var description: String {
        let change = wroteNodeFile ? "written" : "unchanged"
        return removedStaleConf ? "\(change), stale \(CNIDirectory.staleConfName) removed" : change
    }
}
