#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemFiles

/// A directory this package writes into, open and exclusively locked (`flock`) for as long as
/// the value lives. The lock serialises this package's writers (the agent and a `render` run,
/// or an old and a new agent pod during a rollout), so a temporary file of ours found under the
/// lock was left by a writer that died, and removing it cannot break a write in progress.
/// The kernel drops the lock when its holder dies, even by SIGKILL.
struct LockedDirectory: ~Copyable {
    let path: String
    let descriptor: Int32

    /// Opens and locks `path`, first creating it and its missing parents (mode 0755) when it
    /// does not exist. An existing directory is used as it is: removing or recreating it would
    /// lose containerd's watch on it until containerd restarts.
    init(path: String) throws(NodeFileError) {
        var descriptor = Self.openDirectory(path)
        if descriptor < 0 && errno == ENOENT {
            try createDirectories(path)
            descriptor = Self.openDirectory(path)
        }
        guard descriptor >= 0 else { throw .system("open the directory", path) }
        guard retryingInterrupted({ flock(descriptor, LOCK_EX) }) == 0 else {
            let failure = NodeFileError.system("lock the directory", path)
            close(descriptor)
            throw failure
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Makes renames and removals in the directory durable.
    func sync() throws(NodeFileError) {
        guard retryingInterrupted({ fsync(descriptor) }) == 0 else { throw .system("sync the directory", path) }
    }

    /// Removes the file `name`; false when there was none.
    func removeFile(named name: String) throws(NodeFileError) -> Bool {
        if unlinkat(descriptor, name, 0) == 0 { return true }
        if errno == ENOENT { return false }
        throw .system("remove", joinPath(path, name))
    }

    func entries() throws(NodeFileError) -> [DirectoryEntry] {
        try listEntries(ofDirectory: descriptor, path: path)
    }

    private static func openDirectory(_ path: String) -> Int32 {
        retryingInterrupted { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    }
}

/// `mkdir -p` with mode 0755, syncing each new directory's parent so the new entry survives a crash.
private func createDirectories(_ path: String) throws(NodeFileError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    var parent = path.hasPrefix("/") ? "/" : "."
    for component in path.split(separator: "/") {
        prefix += component
        if mkdir(prefix, 0o755) == 0 {
            try syncDirectory(atPath: parent)
        } else if errno != EEXIST {
            throw .system("create the directory", prefix)
        }
        parent = prefix
        prefix += "/"
    }
}

private func syncDirectory(atPath path: String) throws(NodeFileError) {
    let descriptor = retryingInterrupted { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    guard descriptor >= 0 else { throw .system("open the directory", path) }
    defer { close(descriptor) }
    guard retryingInterrupted({ fsync(descriptor) }) == 0 else { throw .system("sync the directory", path) }
}
