import ENIConfig
import NodeFiles

/// The node file's SHA-256, read and hashed again only when `stat()` says the file changed
/// (another inode, size or change time), or when the last read is older than `maximumAge`: a
/// client hammering `/status`, `/metrics` or `/readyz` costs a `stat()` per request, not a read
/// and a hash of up to a few MiB. The age bound catches what `stat()` cannot show (two writes of
/// one size within one tick of the file system's clock).
struct NodeFileDigest {
    static let maximumAge = Duration.seconds(10)

    private var cached: (identity: FileIdentity, readAt: ContinuousClock.Instant, digest: Result<String?, NodeFileError>)?

    mutating func current(of directory: CNIDirectory, now: ContinuousClock.Instant) -> Result<String?, NodeFileError> {
        let identity = (try? FileIdentity.of(directory.nodeFilePath)) ?? nil
        if let cached, let identity, cached.identity == identity, now - cached.readAt < Self.maximumAge {
            return cached.digest
        }
        let digest = Result { () throws(NodeFileError) in try directory.currentNodeFile().map(ContentHash.sha256Hex) }
        // Nothing to compare with next time when stat() failed: read again then.
        cached = identity.map { ($0, now, digest) }
        return digest
    }
}
