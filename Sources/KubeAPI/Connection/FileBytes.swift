#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small files (tokens, certificates, kubeconfigs) with POSIX calls, so a failure
/// carries the system's own reason ("No such file or directory", "Permission denied")
/// for the error message, and the token refresh path needs no Foundation.
enum FileBytes {
    struct ReadError: Error, Equatable {
        /// `errno` of the failing call; 0 when the file was refused for its size.
        let code: Int32
        /// `strerror` text of the failing call.
        let reason: String

        var isMissingFile: Bool { code == ENOENT }
    }

    /// Refuses files larger than this: none of ours comes close, and a mistaken path
    /// (a device, a huge log) must not be read into memory.
    static let maximumSize = 16 * 1024 * 1024

    static func read(_ path: String) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw currentError() }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { posixRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw currentError()
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumSize {
                throw ReadError(code: 0, reason: "larger than \(maximumSize) bytes")
            }
        }
    }

    private static func currentError() -> ReadError {
        ReadError(code: errno, reason: String(cString: strerror(errno)))
    }
}

// `read` is shadowed by `FileBytes.read` inside the type.
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
