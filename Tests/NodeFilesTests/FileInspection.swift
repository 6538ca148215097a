import Foundation
import Glibc

/// What `lstat` and a read say about a path, to prove that a path was left exactly as it was.
struct FileSnapshot: Equatable, CustomStringConvertible {
    let inode: UInt
    let mode: UInt32
    let size: Int
    let modifiedNanoseconds: Int
    let changedNanoseconds: Int
    let bytes: [UInt8]?

    /// nil when nothing is at `path`.
    init?(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        inode = UInt(status.st_ino)
        mode = status.st_mode
        size = Int(status.st_size)
        modifiedNanoseconds = status.st_mtim.tv_sec * 1_000_000_000 + status.st_mtim.tv_nsec
        changedNanoseconds = status.st_ctim.tv_sec * 1_000_000_000 + status.st_ctim.tv_nsec
        bytes = status.st_mode & S_IFMT == S_IFREG ? FileManager.default.contents(atPath: path).map(Array.init) : nil
    }

    var isRegularFile: Bool { mode & S_IFMT == S_IFREG }
    var permissions: UInt32 { mode & 0o7777 }

    var description: String {
        "inode \(inode) mode \(String(mode, radix: 8)) size \(size) mtime \(modifiedNanoseconds)"
    }
}

/// The names in `directory`, sorted.
func names(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

/// Whether a runtime would load a file of this name: its last extension (Go's filepath.Ext,
/// dot files included) is .conf, .conflist or .json. Written here independently of NodeFiles.
func isLoadedByRuntimes(_ name: String) -> Bool {
    guard let dot = name.lastIndex(of: ".") else { return false }
    return [".conf", ".conflist", ".json"].contains(String(name[dot...]))
}

/// Names our writer uses for temporary files: `.10-terway.conflist.<16 hex>.tmp`.
func isOurTemporaryFile(_ name: String) -> Bool {
    name.wholeMatch(of: /\.10-terway\.conflist\.[0-9a-f]{16}\.tmp/) != nil
}
