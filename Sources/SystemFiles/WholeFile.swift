#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole files with POSIX calls, so a failure carries `errno` and the system's own text
/// ("No such file or directory", "Permission denied") and the agent's token refresh path needs
/// no Foundation.
///
/// Every open is non-blocking: a FIFO planted at a path (a token, the node file) must not hang
/// the agent in `open()`. A FIFO with no writer therefore reads as empty; a pipe that has a
/// writer (`--kubeconfig <(…)`) is switched back to blocking reads and read whole.
public enum WholeFile {
    /// The bytes of the file at `path`, following symbolic links.
    /// - Parameters:
    ///   - regularFileOnly: refuse directories, FIFOs and devices (`Cause.notRegularFile`).
    ///   - sizeLimit: refuse a file holding more bytes than this (`Cause.tooLarge`), after reading
    ///     at most one chunk past it, so a mistaken path (a device, a huge log) is never read whole.
    public static func read(
        _ path: String, regularFileOnly: Bool = false, sizeLimit: Int = .max
    ) throws(FileReadError) -> [UInt8] {
        let descriptor = retryingInterrupted { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard descriptor >= 0 else { throw .current(.open) }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .current(.inspect) }
        let isRegularFile = status.st_mode & S_IFMT == S_IFREG
        if !isRegularFile {
            if regularFileOnly { throw FileReadError(step: .inspect, cause: .notRegularFile) }
            try waitForData(descriptor)
        }
        let bytes = try readToEnd(
            descriptor, stoppingPast: sizeLimit, expectedSize: isRegularFile ? Int(status.st_size) : 0)
        guard bytes.count <= sizeLimit else { throw FileReadError(step: .read, cause: .tooLarge(limit: sizeLimit)) }
        return bytes
    }

    /// Like `read`, but nil when nothing is at `path` (ENOENT, including a dangling symbolic link).
    public static func readIfPresent(
        _ path: String, regularFileOnly: Bool = false, sizeLimit: Int = .max
    ) throws(FileReadError) -> [UInt8]? {
        do {
            return try read(path, regularFileOnly: regularFileOnly, sizeLimit: sizeLimit)
        } catch where error.isMissingFile {
            return nil
        }
    }

    /// Everything left to read from an open `descriptor` (standard input, a file opened with
    /// `openat`). Stops early and returns what it has once more than `limit` bytes were read, so a
    /// caller comparing against a known size never reads a huge file whole.
    public static func readToEnd(_ descriptor: Int32, stoppingPast limit: Int = .max) throws(FileReadError) -> [UInt8] {
        var status = stat()
        let isRegularFile = fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
        return try readToEnd(descriptor, stoppingPast: limit, expectedSize: isRegularFile ? Int(status.st_size) : 0)
    }

    private static let chunkSize = 64 * 1024

    private static func readToEnd(
        _ descriptor: Int32, stoppingPast limit: Int, expectedSize: Int
    ) throws(FileReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        // A regular file's size is known: one buffer of that size, rather than doubling as it
        // fills (a megabyte manifest otherwise leaves copies behind it in the heap).
        bytes.reserveCapacity(min(expectedSize, limit))
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { buffer in
                retryingInterrupted { systemRead(descriptor, buffer.baseAddress, buffer.count) }
            }
            if count < 0 { throw .current(.read) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }

    /// Clears O_NONBLOCK, which was only wanted for `open()`: a pipe whose writer has not
    /// written yet would otherwise fail with EAGAIN instead of being waited for.
    private static func waitForData(_ descriptor: Int32) throws(FileReadError) {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) == 0 else { throw .current(.open) }
    }
}

// `read` inside `WholeFile` means `WholeFile.read`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
