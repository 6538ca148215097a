import ENIConfig
import Foundation
import Glibc
import Synchronization
import NodeFiles
import TestSupport
import Testing

@Suite struct CNIDirectoryWriteTests {
    let scratch = TemporaryDirectory()

    @Test func writeCreatesMissingDirectoriesAndTheFileWithMode0600AndExactBytes() throws {
        let directory = CNIDirectory(path: scratch.child("etc/cni/net.d"))
        let outcome = try directory.write(Renders.small)
        #expect(outcome == WriteOutcome(wroteNodeFile: true, removedStaleConf: false))
        let file = try #require(FileSnapshot(directory.nodeFilePath))
        #expect(file.isRegularFile)
        #expect(file.permissions == 0o600)
        #expect(file.bytes == Renders.small.bytes)
        #expect(try directory.currentNodeFile() == Renders.small.bytes)
        #expect(names(in: directory.path) == ["10-terway.conflist"])
        let created = try #require(FileSnapshot(directory.path))
        #expect(created.permissions == 0o755 & ~currentUmask())
    }

    @Test func theSameBytesAreNotWrittenAgain() throws {
        let directory = CNIDirectory(path: scratch.path)
        _ = try directory.write(Renders.small)
        let before = try #require(FileSnapshot(directory.nodeFilePath))
        let outcome = try directory.write(Renders.small)
        #expect(outcome == WriteOutcome(wroteNodeFile: false, removedStaleConf: false))
        #expect(FileSnapshot(directory.nodeFilePath) == before)
    }

    @Test func differentBytesReplaceTheFileWithANewOne() throws {
        let directory = CNIDirectory(path: scratch.path)
        _ = try directory.write(Renders.small)
        let before = try #require(FileSnapshot(directory.nodeFilePath))
        #expect(try directory.write(Renders.large).wroteNodeFile)
        let after = try #require(FileSnapshot(directory.nodeFilePath))
        #expect(after.bytes == Renders.large.bytes)
        #expect(after.inode != before.inode)
        #expect(after.permissions == 0o600)
    }

    @Test func theSameBytesWithAWrongModeAreWrittenAgainWithMode0600() throws {
        let directory = CNIDirectory(path: scratch.path)
        _ = try directory.write(Renders.small)
        chmod(directory.nodeFilePath, 0o644)
        #expect(try directory.write(Renders.small).wroteNodeFile)
        #expect(FileSnapshot(directory.nodeFilePath)?.permissions == 0o600)
    }

    @Test(arguments: [false, true])
    func aSymbolicLinkAtTheTargetIsReplacedNeverFollowed(linkTargetHoldsTheSameBytes: Bool) throws {
        let elsewhere = scratch.write(linkTargetHoldsTheSameBytes ? Renders.small.bytes : Array("keep me\n".utf8), to: "elsewhere")
        let directory = CNIDirectory(path: scratch.child("net.d"))
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: directory.nodeFilePath, withDestinationPath: elsewhere)
        let linkTargetBefore = try #require(FileSnapshot(elsewhere))

        #expect(try directory.write(Renders.small).wroteNodeFile)

        let node = try #require(FileSnapshot(directory.nodeFilePath))
        #expect(node.isRegularFile)
        #expect(node.bytes == Renders.small.bytes)
        #expect(FileSnapshot(elsewhere) == linkTargetBefore)
    }

    @Test func aStaleConfIsRemovedOnceTheConflistIsInPlace() throws {
        let directory = CNIDirectory(path: scratch.path)
        scratch.write(Array("{\"type\": \"terway\"}\n".utf8), to: "10-terway.conf")
        let outcome = try directory.write(Renders.small)
        #expect(outcome == WriteOutcome(wroteNodeFile: true, removedStaleConf: true))
        #expect(names(in: scratch.path) == ["10-terway.conflist"])
    }

    @Test func aStaleConfIsRemovedEvenWhenTheConflistIsUnchanged() throws {
        // A writer that died between its rename and the removal leaves exactly this.
        let directory = CNIDirectory(path: scratch.path)
        _ = try directory.write(Renders.small)
        scratch.write(Array("{\"type\": \"terway\"}\n".utf8), to: "10-terway.conf")
        #expect(try directory.write(Renders.small) == WriteOutcome(wroteNodeFile: false, removedStaleConf: true))
        #expect(names(in: scratch.path) == ["10-terway.conflist"])
    }

    /// Once the rename is done the version is on the node: a stale file that cannot be removed
    /// is reported with the outcome, not as a failed write that left the previous file.
    @Test func aStaleConfThatCannotBeRemovedIsAWarningAndTheNewFileIsInPlace() throws {
        let directory = CNIDirectory(path: scratch.path)
        // A non-empty directory under the stale name: unlink(2) refuses it (EISDIR), even for root.
        try FileManager.default.createDirectory(atPath: scratch.child("10-terway.conf/inside"), withIntermediateDirectories: true)
        let outcome = try directory.write(Renders.small)
        #expect(outcome.wroteNodeFile)
        #expect(!outcome.removedStaleConf)
        #expect(outcome.warnings.map(\.operation) == ["remove"])
        #expect(outcome.warnings.first?.path == scratch.child("10-terway.conf"))
        #expect(try directory.currentNodeFile() == Renders.small.bytes)
    }

    @Test func aFailedWriteKeepsTheStaleConfAndLeavesNoTemporaryFile() throws {
        let directory = CNIDirectory(path: scratch.path)
        let staleConf = scratch.write(Array("{\"type\": \"terway\"}\n".utf8), to: "10-terway.conf")
        // A directory where the node file belongs: rename(2) cannot put a file over it.
        try FileManager.default.createDirectory(atPath: directory.nodeFilePath, withIntermediateDirectories: false)
        let staleBefore = try #require(FileSnapshot(staleConf))
        let blockerBefore = try #require(FileSnapshot(directory.nodeFilePath))

        let error = try #require(throws: NodeFileError.self) { try directory.write(Renders.small) }

        #expect(error.code == EISDIR)
        #expect(error.path == directory.nodeFilePath)
        #expect(error.description.contains("rename"))
        #expect(error.description.contains("remove or rename the directory"))
        #expect(FileSnapshot(staleConf) == staleBefore)
        #expect(FileSnapshot(directory.nodeFilePath) == blockerBefore)
        #expect(names(in: scratch.path) == ["10-terway.conf", "10-terway.conflist"])
    }

    @Test func anExistingDirectoryIsUsedAsItIsNeverRecreated() throws {
        let directory = CNIDirectory(path: scratch.child("net.d"))
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: false)
        chmod(directory.path, 0o711)
        let unrelated = scratch.write(Array("{}\n".utf8), to: "net.d/99-other.conflist")
        let before = try #require(FileSnapshot(directory.path))

        _ = try directory.write(Renders.small)

        let after = try #require(FileSnapshot(directory.path))
        #expect(after.inode == before.inode)
        #expect(after.permissions == 0o711)
        #expect(FileSnapshot(unrelated)?.bytes == Array("{}\n".utf8))
    }

    @Test func leftoverTemporaryFilesOfADeadWriterAreRemovedAndNothingElse() throws {
        let directory = CNIDirectory(path: scratch.path)
        let leftovers = [".10-terway.conflist.0123456789abcdef.tmp", ".10-terway.conflist.fedcba9876543210.tmp"]
        let notOurs = [
            ".10-terway.conflist.0123456789ABCDEF.tmp", ".10-terway.conflist.0123.tmp",
            ".10-terway.conflist.0123456789abcdef.tmp.keep", ".99-other.conflist.0123456789abcdef.tmp", "notes.tmp",
        ]
        for name in leftovers + notOurs { scratch.write(Array("partial".utf8), to: name) }

        _ = try directory.write(Renders.small)

        #expect(names(in: scratch.path) == (notOurs + ["10-terway.conflist"]).sorted())
    }

    @Test func leftoverTemporaryFilesAreRemovedEvenWhenTheFileIsUnchanged() throws {
        let directory = CNIDirectory(path: scratch.path)
        _ = try directory.write(Renders.small)
        scratch.write(Array("partial".utf8), to: ".10-terway.conflist.0123456789abcdef.tmp")
        #expect(try directory.write(Renders.small).wroteNodeFile == false)
        #expect(names(in: scratch.path) == ["10-terway.conflist"])
    }

    @Test func concurrentWritersNeverRemoveEachOthersTemporaryFiles() throws {
        // Each writer removes leftover temporary files before it writes; only the directory lock
        // keeps it from removing the one another writer is about to rename.
        let directory = CNIDirectory(path: scratch.path)
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { writer in
            for round in 0..<40 {
                do {
                    _ = try directory.write((writer + round) % 2 == 0 ? Renders.small : Renders.large)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(names(in: scratch.path) == ["10-terway.conflist"])
        let bytes = try directory.currentNodeFile()
        #expect(bytes == Renders.small.bytes || bytes == Renders.large.bytes)
    }

    @Test func currentNodeFileIsNilWhenAbsentAndFollowsALinkLikeARuntime() throws {
        let directory = CNIDirectory(path: scratch.child("missing"))
        #expect(try directory.currentNodeFile() == nil)
        let elsewhere = scratch.write(Renders.large.bytes, to: "elsewhere")
        try FileManager.default.createSymbolicLink(atPath: scratch.child("10-terway.conflist"), withDestinationPath: elsewhere)
        #expect(try CNIDirectory(path: scratch.path).currentNodeFile() == Renders.large.bytes)
    }

    /// Something other than a regular file at the node file's path is an error naming it, and a
    /// FIFO there is refused at once rather than waited on for a writer.
    @Test func currentNodeFileRefusesAFIFOOrADirectoryWithoutHanging() throws {
        let directory = CNIDirectory(path: scratch.path)
        #expect(mkfifo(directory.nodeFilePath, 0o600) == 0)
        let notAFile = NodeFileError(
            operation: "read", path: directory.nodeFilePath, reason: "it is not a regular file",
            remedy: "remove whatever is at \(directory.nodeFilePath); only a regular file belongs there")
        #expect(throws: notAFile) { try directory.currentNodeFile() }

        unlink(directory.nodeFilePath)
        mkdir(directory.nodeFilePath, 0o755)
        #expect(throws: notAFile) { try directory.currentNodeFile() }
    }

    /// A huge file planted at the path is refused after the limit, not read whole on every probe.
    @Test func currentNodeFileRefusesAFileFarLargerThanTheAgentWrites() throws {
        let directory = CNIDirectory(path: scratch.path)
        let descriptor = open(directory.nodeFilePath, O_CREAT | O_WRONLY, 0o600)
        #expect(descriptor >= 0)
        #expect(ftruncate(descriptor, 65 * 1024 * 1024) == 0)  // sparse: no 65 MiB written to disk
        close(descriptor)
        #expect(throws: NodeFileError(
            operation: "read", path: directory.nodeFilePath, reason: "it is larger than 67108864 bytes",
            remedy: "this agent never writes such a file: move it away from \(directory.nodeFilePath) and look at what wrote it")
        ) { try directory.currentNodeFile() }
    }

    @Test func nodeFilePathJoinsWithOrWithoutATrailingSlash() {
        #expect(CNIDirectory(path: "/etc/cni/net.d").nodeFilePath == "/etc/cni/net.d/10-terway.conflist")
        #expect(CNIDirectory(path: "/etc/cni/net.d/").nodeFilePath == "/etc/cni/net.d/10-terway.conflist")
    }
}

/// The process's umask, read without setting it (umask(2) would change it for tests running in parallel).
func currentUmask() -> UInt32 {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("Umask:") } ?? "Umask: 0022"
    return UInt32(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8) ?? 0o022
}
