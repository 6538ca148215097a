#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a whole-file read failed: which step, and the system's own reason, so each caller can
/// name the path, the cause and what to do in its own words.
public struct FileReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The step that failed; the raw values are verbs for messages ("cannot open …").
    public enum Step: String, Sendable, Hashable {
        case open
        /// `fstat` of the opened file, or the refusal of what it showed.
        case inspect
        case read
    }

    public enum Cause: Sendable, Hashable {
        /// The system call of `step` failed with this `errno`.
        case system(Int32)
        /// The read asked for a regular file and found a directory, FIFO, device or socket.
        case notRegularFile
        /// The file holds more than `limit` bytes.
        case tooLarge(limit: Int)
    }

    public let step: Step
    public let cause: Cause

    public init(step: Step, cause: Cause) {
        self.step = step
        self.cause = cause
    }

    /// The `errno` of the failed call; nil when the file was refused for its kind or size.
    public var code: Int32? {
        guard case .system(let code) = cause else { return nil }
        return code
    }

    /// The system's text ("No such file or directory", "Permission denied"), or why the file was refused.
    public var reason: String {
        switch cause {
        case .system(let code): String(cString: strerror(code))
        case .notRegularFile: "not a regular file"
        case .tooLarge(let limit): "larger than \(limit) bytes"
        }
    }

    /// Nothing at the path (or a dangling symbolic link), which some callers treat as "not configured".
    public var isMissingFile: Bool { code == ENOENT }

    public var description: String { "cannot \(step.rawValue): \(reason)" }

    /// The error of the system call that just failed; `errno` is read before anything else can change it.
    static func current(_ step: Step) -> FileReadError {
        FileReadError(step: step, cause: .system(errno))
    }
}
