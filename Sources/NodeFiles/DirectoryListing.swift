#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One name in a directory, kept as raw bytes too: runtimes (Go) sort and match names byte-wise,
/// and a name need not be valid UTF-8.
struct DirectoryEntry: Sendable, Hashable {
    let nameBytes: [UInt8]
    /// The name for messages; invalid UTF-8 shows as U+FFFD.
    var name: String { String(decoding: nameBytes, as: UTF8.self) }
    /// A real directory, not a symbolic link to one: libcni skips exactly these when listing configs.
    let isDirectory: Bool
}

/// The entries of the open directory `descriptor` (`.` and `..` left out), in no particular order.
func listEntries(ofDirectory descriptor: Int32, path: String) throws(NodeFileError) -> [DirectoryEntry] {
    // closedir() closes the descriptor it was given, and the caller still owns `descriptor`.
    let ownDescriptor = dup(descriptor)
    guard ownDescriptor >= 0 else { throw .system("list", path) }
    guard let stream = fdopendir(ownDescriptor) else {
        let failure = NodeFileError.system("list", path)
        close(ownDescriptor)
        throw failure
    }
    defer { closedir(stream) }
    var entries: [DirectoryEntry] = []
    while true {
        errno = 0
        guard let entry = readdir(stream) else {
            if errno != 0 { throw .system("list", path) }
            return entries
        }
        let nameBytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            Array(raw.prefix { $0 != 0 })
        }
        if nameBytes == [0x2E] || nameBytes == [0x2E, 0x2E] { continue }
        let isDirectory: Bool
        switch Int32(entry.pointee.d_type) {
        case Int32(DT_DIR): isDirectory = true
        case Int32(DT_UNKNOWN): isDirectory = isRealDirectory(nameBytes, in: descriptor)
        default: isDirectory = false
        }
        entries.append(DirectoryEntry(nameBytes: nameBytes, isDirectory: isDirectory))
    }
}

/// For file systems whose readdir does not report types (d_type DT_UNKNOWN).
private func isRealDirectory(_ nameBytes: [UInt8], in directory: Int32) -> Bool {
    var status = stat()
    let result = (nameBytes + [0]).withUnsafeBufferPointer { name in
        name.withMemoryRebound(to: CChar.self) { fstatat(directory, $0.baseAddress!, &status, AT_SYMLINK_NOFOLLOW) }
    }
    return result == 0 && status.st_mode & S_IFMT == S_IFDIR
}
