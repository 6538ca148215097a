#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system operation on the node that failed: what was attempted, on which path, why,
/// and what the operator can do about it. The target file is always left as it was.
public struct NodeFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was attempted, as a verb phrase: `create the temporary file`, `rename … over`.
    public var operation: String
    public var path: String
    /// The `errno` of the failed system call; nil when the failure is about content, not a call.
    public var code: Int32?
    /// Why it failed: `Permission denied (EACCES)`, or what is wrong with the content.
    public var reason: String
    /// What the operator can do about it.
    public var remedy: String

    public init(operation: String, path: String, code: Int32? = nil, reason: String, remedy: String) {
        self.operation = operation
        self.path = path
        self.code = code
        self.reason = reason
        self.remedy = remedy
    }

    /// The error of the system call that just failed. `errno` is read before the strings are built:
    /// building them allocates, and an allocation may change `errno` even when it succeeds.
    static func system(_ operation: @autoclosure () -> String, _ path: @autoclosure () -> String) -> NodeFileError {
        let code = errno
        return system(operation(), path(), code: code)
    }

    static func system(_ operation: String, _ path: String, code: Int32) -> NodeFileError {
        NodeFileError(
            operation: operation, path: path, code: code,
            reason: Self.reason(for: code), remedy: Self.remedy(for: code, path: path))
    }

    /// `cannot create the temporary file /etc/cni/net.d/.10-terway.conflist.1f….tmp: Read-only file system (EROFS); mount …`
    public var description: String {
        "cannot \(operation) \(path): \(reason); \(remedy)"
    }

    /// `Permission denied (EACCES)`.
    static func reason(for code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let name = symbolicNames[code] else { return "\(text) (errno \(code))" }
        return "\(text) (\(name))"
    }

    private static func remedy(for code: Int32, path: String) -> String {
        switch code {
        case EACCES, EPERM:
            "run the agent as root, or give it write access to the directory holding \(path)"
        case EROFS:
            "mount the directory read-write (a hostPath volume without readOnly: true)"
        case ENOSPC, EDQUOT:
            "free space (or quota) on the file system holding \(path)"
        case EFBIG:
            "raise the process's file size limit (ulimit -f); the file was not replaced"
        case EISDIR:
            "remove or rename the directory at \(path); a file belongs there"
        case ENOTDIR:
            "a component of the path is a file, not a directory: fix --cni-dir / --state-dir"
        case ENOENT:
            "check that the directory exists and the path is spelled right"
        case ELOOP:
            "the path has too many symbolic links: point the option at the real directory"
        default:
            "check the node's file system and retry"
        }
    }

    private static let symbolicNames: [Int32: String] = [
        EACCES: "EACCES", EPERM: "EPERM", EROFS: "EROFS", ENOSPC: "ENOSPC", EDQUOT: "EDQUOT",
        EFBIG: "EFBIG", EISDIR: "EISDIR", ENOTDIR: "ENOTDIR", ENOENT: "ENOENT", ELOOP: "ELOOP",
        EEXIST: "EEXIST", EIO: "EIO", EXDEV: "EXDEV", ENAMETOOLONG: "ENAMETOOLONG",
        EMFILE: "EMFILE", ENFILE: "ENFILE", EBUSY: "EBUSY", EINVAL: "EINVAL",
    ]
}
