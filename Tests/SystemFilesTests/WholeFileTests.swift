import Foundation
import Glibc
import Synchronization
import SystemFiles
import TestSupport
import Testing

@Suite struct WholeFileTests {
    let scratch = TemporaryDirectory()

    @Test func aMissingFileCarriesENOENTAndTheSystemsText() throws {
        let path = scratch.child("absent")
        let error = try #require(throws: FileReadError.self) { try WholeFile.read(path) }
        #expect(error == FileReadError(step: .open, cause: .system(ENOENT)))
        #expect(error.isMissingFile)
        #expect(error.code == ENOENT)
        #expect(error.reason == "No such file or directory")
        #expect(error.description == "cannot open: No such file or directory")
    }

    @Test func readIfPresentIsNilForAMissingFileAndADanglingLink() throws {
        #expect(try WholeFile.readIfPresent(scratch.child("absent")) == nil)
        symlink(scratch.child("gone"), scratch.child("dangling"))
        #expect(try WholeFile.readIfPresent(scratch.child("dangling")) == nil)
    }

    @Test func aSymbolicLinkIsFollowed() throws {
        scratch.write(Array("token".utf8), to: "..data-token")
        symlink(scratch.child("..data-token"), scratch.child("token"))
        #expect(try WholeFile.read(scratch.child("token")) == Array("token".utf8))
    }

    @Test func aPathThroughARegularFileFailsWithENOTDIRAndIsNotMissing() throws {
        let file = scratch.write([1], to: "file")
        let error = try #require(throws: FileReadError.self) { try WholeFile.readIfPresent(file + "/token") }
        #expect(error == FileReadError(step: .open, cause: .system(ENOTDIR)))
        #expect(!error.isMissingFile)
        #expect(error.reason == "Not a directory")
    }

    @Test func anUnreadableFileFailsWithEACCES() throws {
        let path = scratch.write(Array("secret".utf8), to: "unreadable", mode: 0o000)
        let outcome = readingAsNobody { Result { () throws(FileReadError) in try WholeFile.read(path) } }
        #expect(throws: FileReadError(step: .open, cause: .system(EACCES))) { try outcome.get() }
        #expect(FileReadError(step: .open, cause: .system(EACCES)).reason == "Permission denied")
        // This thread still reads as root: the uid switch stayed on the other thread.
        if geteuid() == 0 { #expect(try WholeFile.read(path) == Array("secret".utf8)) }
    }

    @Test func aDirectoryIsRefused() throws {
        let directory = scratch.child("dir")
        mkdir(directory, 0o755)
        #expect(throws: FileReadError(step: .read, cause: .system(EISDIR))) { try WholeFile.read(directory) }
        #expect(throws: FileReadError(step: .inspect, cause: .notRegularFile)) {
            try WholeFile.read(directory, regularFileOnly: true)
        }
        #expect(FileReadError(step: .inspect, cause: .notRegularFile).reason == "not a regular file")
    }

    /// Without O_NONBLOCK, open() of a FIFO blocks until a writer comes. The watchdog plays that
    /// writer after a while, so a regression fails the test instead of hanging the run.
    @Test func aFIFOWithoutAWriterIsNeitherWaitedForNorReadAsAFileWhenOneIsRequired() throws {
        let fifo = scratch.child("token")
        #expect(mkfifo(fifo, 0o600) == 0)
        let watchdog = FIFOWatchdog(fifo)

        #expect(try WholeFile.read(fifo) == [])
        #expect(throws: FileReadError(step: .inspect, cause: .notRegularFile)) {
            try WholeFile.read(fifo, regularFileOnly: true)
        }
        #expect(try WholeFile.readIfPresent(fifo, sizeLimit: 10) == [])
        #expect(!watchdog.finish(), "open() blocked until the watchdog opened the FIFO for writing")
    }

    /// `--kubeconfig <(…)`: a pipe whose writer is still writing is read to the writer's end,
    /// not cut short with EAGAIN by the non-blocking open.
    @Test func aPipeWithALiveWriterIsReadToTheWritersEnd() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        let first = Array("apiVersion: v1\n".utf8), rest = pattern(200 * 1024)
        #expect(write(writeEnd, first, first.count) == first.count)
        Thread.detachNewThread {
            usleep(200_000)
            writeAll(rest, to: writeEnd)
            close(writeEnd)
        }
        #expect(try WholeFile.read("/proc/self/fd/\(readEnd)") == first + rest)
    }

    @Test func aFileOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() throws {
        let limit = 100 * 1024
        let atLimit = scratch.write(pattern(limit), to: "at-limit")
        let overLimit = scratch.write(pattern(limit + 1), to: "over-limit")
        #expect(try WholeFile.read(atLimit, sizeLimit: limit) == pattern(limit))
        let error = try #require(throws: FileReadError.self) { try WholeFile.read(overLimit, sizeLimit: limit) }
        #expect(error == FileReadError(step: .read, cause: .tooLarge(limit: limit)))
        #expect(error.code == nil)
        #expect(error.reason == "larger than 102400 bytes")
    }

    /// A mistaken path to an endless device ends at the limit instead of filling memory.
    @Test func anEndlessDeviceIsRefusedAtTheLimit() throws {
        #expect(throws: FileReadError(step: .read, cause: .tooLarge(limit: 1 << 20))) {
            try WholeFile.read("/dev/zero", sizeLimit: 1 << 20)
        }
    }

    @Test func aBigFileIsReadWhole() throws {
        let contents = pattern(5 * 1024 * 1024 + 123)
        let path = scratch.write(contents, to: "big")
        #expect(try WholeFile.read(path) == contents)
    }

    @Test func anEmptyFileIsReadAsNoBytes() throws {
        #expect(try WholeFile.read(scratch.write([], to: "empty")) == [])
    }

    @Test func readToEndReadsAStdinLikePipeWhole() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        let contents = pattern(300 * 1024)  // more than a pipe holds: the writer must wait for reads
        Thread.detachNewThread {
            writeAll(contents, to: writeEnd)
            close(writeEnd)
        }
        #expect(try WholeFile.readToEnd(readEnd) == contents)
    }

    @Test func readToEndReadsWhatIsLeftAfterTheOffset() throws {
        let path = scratch.write(pattern(1000), to: "partly-read")
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        #expect(lseek(descriptor, 400, SEEK_SET) == 400)
        #expect(try WholeFile.readToEnd(descriptor) == Array(pattern(1000)[400...]))
    }

    @Test func readToEndStopsSoonAfterTheLimitWithoutReadingTheRest() throws {
        let path = scratch.write(pattern(4 * 1024 * 1024), to: "huge")
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        let bytes = try WholeFile.readToEnd(descriptor, stoppingPast: 1000)
        #expect(bytes.count > 1000)
        #expect(bytes.count <= 1000 + 64 * 1024)
        #expect(bytes == Array(pattern(4 * 1024 * 1024)[..<bytes.count]))
    }

    @Test func readToEndOfAClosedDescriptorFailsWithEBADF() throws {
        #expect(throws: FileReadError(step: .read, cause: .system(EBADF))) { try WholeFile.readToEnd(-1) }
    }
}

private func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written > 0 else { fatalError("write to the pipe failed: \(String(cString: strerror(errno)))") }
        offset += written
    }
}

/// Opens and closes `fifo` read-write every ten seconds until finished, which releases a reader
/// blocked in open(). `finish` says whether it had to.
private final class FIFOWatchdog: Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let intervened = Mutex(false)

    init(_ fifo: String) {
        Thread.detachNewThread { [self] in
            while finished.wait(timeout: .now() + 10) == .timedOut {
                intervened.withLock { $0 = true }
                close(open(fifo, O_RDWR | O_NONBLOCK))
            }
        }
    }

    func finish() -> Bool {
        finished.signal()
        return intervened.withLock { $0 }
    }
}
