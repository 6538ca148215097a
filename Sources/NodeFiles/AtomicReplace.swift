#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemFiles

/// What `replaceFile` did.
enum Replacement {
    /// The file already held exactly these bytes.
    case unchanged
    /// The new file is in place; `notDurable` says why a crash might still bring the old one back.
    case replaced(notDurable: NodeFileError?)
}

/// The one way this package puts a file on disk (docs/contracts.md, "The node file", steps 2–4):
/// a reader, or a crash at any moment, sees the old file or the new one whole, never a mix.
extension LockedDirectory {
    /// The mode of every file written here (CIS 1.1.9 asks 0600 of CNI configuration files).
    static let fileMode: mode_t = 0o600

    /// Replaces the file `name` in this directory with `bytes`, mode 0600, through a temporary
    /// file renamed over it; a symbolic link at `name` is replaced, never followed.
    /// Touches nothing when `name` already is a regular file with exactly these bytes and mode:
    /// every write makes runtimes reload their configuration.
    /// Throws only when `name` is as it was (the temporary file removed). Once the rename is done
    /// every reader sees the new file, so a failure to make it durable (the directory's fsync) is
    /// returned with the outcome instead: the caller must not report the old file as in place.
    func replaceFile(named name: String, with bytes: [UInt8]) throws(NodeFileError) -> Replacement {
        removeLeftoverTemporaryFiles(of: name)
        if holdsExactly(bytes, inFile: name) { return .unchanged }
        let temporaryName = TemporaryFileName.make(for: name)
        let temporaryPath = joinPath(path, temporaryName)
        let file = retryingInterrupted {
            openat(descriptor, temporaryName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, Self.fileMode)
        }
        guard file >= 0 else { throw .system("create the temporary file", temporaryPath) }
        do throws(NodeFileError) {
            try Self.fill(file, with: bytes, path: temporaryPath)
            guard renameat(descriptor, temporaryName, descriptor, name) == 0 else {
                throw .system("rename \(temporaryPath) over", joinPath(path, name))
            }
        } catch {
            unlinkat(descriptor, temporaryName, 0)
            throw error
        }
        do {
            try sync()
        } catch {
            return .replaced(notDurable: error)
        }
        return .replaced(notDurable: nil)
    }

    /// Writes all of `bytes`, sets the mode, makes both durable, and closes `file`.
    private static func fill(_ file: Int32, with bytes: [UInt8], path: String) throws(NodeFileError) {
        // fsync has already reported any write-back error by the time close() runs, so its result adds nothing.
        defer { close(file) }
        var offset = 0
        while offset < bytes.count {
            // A write may be short (a signal, a file size limit reached part way); the next one reports why.
            let written = bytes.withUnsafeBytes { buffer in
                retryingInterrupted { write(file, buffer.baseAddress! + offset, buffer.count - offset) }
            }
            guard written > 0 else { throw .system("write", path, code: written == 0 ? EIO : errno) }
            offset += written
        }
        // The mode is set before fsync (the design lists it after) so the fsync makes it durable too;
        // fchmod is needed at all because the umask may have narrowed the mode given to openat.
        guard fchmod(file, fileMode) == 0 else { throw .system("set mode 0600 on", path) }
        guard retryingInterrupted({ fsync(file) }) == 0 else { throw .system("sync", path) }
    }

    /// Whether `name` is a regular file (not a link to one) with mode 0600 and exactly `bytes`.
    /// Anything unreadable counts as different: replacing is always safe, the check only saves a reload.
    private func holdsExactly(_ bytes: [UInt8], inFile name: String) -> Bool {
        let file = retryingInterrupted { openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) }
        guard file >= 0 else { return false }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0,
            status.st_mode & S_IFMT == S_IFREG,
            status.st_mode & 0o7777 == Self.fileMode,
            status.st_size == bytes.count
        else { return false }
        return (try? WholeFile.readToEnd(file, stoppingPast: bytes.count)) == bytes
    }

    /// Removes temporary files of `name` left by a writer that died before its rename. Best effort:
    /// a leftover is never loaded by a runtime (see `TemporaryFileName`), so failing to remove one
    /// must not stop the write.
    private func removeLeftoverTemporaryFiles(of name: String) {
        guard let entries = try? entries() else { return }
        for entry in entries where !entry.isDirectory && TemporaryFileName.isTemporary(entry.name, for: name) {
            unlinkat(descriptor, entry.name, 0)
        }
    }
}
