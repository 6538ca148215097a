#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of the regular file at `path`, following symbolic links the way runtimes do when
/// they load it; nil when nothing is there.
func readFileIfPresent(_ path: String) throws(NodeFileError) -> [UInt8]? {
    // O_NONBLOCK: a FIFO planted at the path must not hang the agent in open().
    let descriptor = retryingInterrupted { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
    if descriptor < 0 {
        if errno == ENOENT { return nil }
        throw .system("open", path)
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw .system("inspect", path) }
    guard status.st_mode & S_IFMT == S_IFREG else {
        throw NodeFileError(
            operation: "read", path: path, reason: "it is not a regular file",
            remedy: "remove whatever is at \(path); only a regular file belongs there")
    }
    guard let bytes = readToEnd(descriptor, atMost: Int.max) else { throw .system("read", path) }
    return bytes
}

/// Everything left to read from `descriptor`, or nil when a read fails (errno says why).
/// Stops early and returns what it has once more than `limit` bytes were read, so a caller
/// comparing against a known size never reads a huge file whole.
func readToEnd(_ descriptor: Int32, atMost limit: Int) -> [UInt8]? {
    var bytes: [UInt8] = []
    let chunkSize = 64 * 1024
    var chunk = [UInt8](repeating: 0, count: chunkSize)
    while bytes.count <= limit {
        let count = chunk.withUnsafeMutableBytes { buffer in
            retryingInterrupted { read(descriptor, buffer.baseAddress, chunkSize) }
        }
        if count < 0 { return nil }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[..<count])
    }
    return bytes
}
