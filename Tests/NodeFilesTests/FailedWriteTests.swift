import ENIConfig
import Foundation
import Glibc
import NodeFiles
import Testing

/// Writes that fail for real in a child process (the kernel, not a mock, says no) must leave the
/// node file exactly as it was and no temporary file behind.
@Suite struct FailedWriteTests {
    let scratch = TemporaryDirectory()

    @Test func aDirectoryTheWriterMayNotWriteLeavesTheTargetAsItWas() throws {
        let directory = CNIDirectory(path: scratch.child("net.d"))
        _ = try directory.write(Renders.small)
        let render = scratch.write(Renders.large.bytes, to: "large.conflist")
        // Read-only for anyone but root; the child drops to uid 65534 when it runs as root.
        chmod(directory.path, 0o555)
        defer { chmod(directory.path, 0o755) }
        let before = try #require(FileSnapshot(directory.nodeFilePath))

        let child = ChildProcess(churnExecutable, ["write", directory.path, render, "--as-nobody"])
        let output = child.readOutput()

        #expect(child.waitForExit() == .exited(2), "\(output)")
        #expect(output.contains("cannot create the temporary file \(directory.path)/.10-terway.conflist."))
        #expect(output.contains("(EACCES)"))
        #expect(FileSnapshot(directory.nodeFilePath) == before)
        #expect(names(in: directory.path) == ["10-terway.conflist"])
    }

    @Test func aWriteCutShortByTheFileSizeLimitLeavesTheTargetAsItWas() throws {
        let directory = CNIDirectory(path: scratch.child("net.d"))
        _ = try directory.write(Renders.small)
        let render = scratch.write(Renders.large.bytes, to: "large.conflist")
        let before = try #require(FileSnapshot(directory.nodeFilePath))
        let limit = 64 * 1024
        #expect(Renders.large.bytes.count > 2 * limit)

        let child = ChildProcess(churnExecutable, ["write", directory.path, render, "--file-size-limit", "\(limit)"])
        let output = child.readOutput()

        #expect(child.waitForExit() == .exited(2), "\(output)")
        #expect(output.contains("cannot write \(directory.path)/.10-terway.conflist."))
        #expect(output.contains("(EFBIG)"))
        #expect(FileSnapshot(directory.nodeFilePath) == before)
        #expect(names(in: directory.path) == ["10-terway.conflist"])
    }

    @Test func theSameChildWritesWhenNothingStopsIt() throws {
        // The control for the two tests above: without the limit or the permissions, the write goes through.
        let directory = CNIDirectory(path: scratch.child("net.d"))
        _ = try directory.write(Renders.small)
        let render = scratch.write(Renders.large.bytes, to: "large.conflist")

        let child = ChildProcess(churnExecutable, ["write", directory.path, render, "--file-size-limit", "\(1 << 20)"])
        let output = child.readOutput()

        #expect(child.waitForExit() == .exited(0), "\(output)")
        #expect(output == "written\n")
        #expect(try directory.currentNodeFile() == Renders.large.bytes)
    }
}
