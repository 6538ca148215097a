import ENIConfig
import Foundation
import Glibc
import NodeFiles
import TestSupport
import Testing

/// Writes that fail for real in a child process (the kernel, not a mock, says no) must leave the
/// node file exactly as it was and no temporary file behind.
@Suite struct FailedWriteTests {
    let scratch = TemporaryDirectory()
    let directory: CNIDirectory
    let largeRender: String

    init() throws {
        directory = CNIDirectory(path: scratch.child("net.d"))
        _ = try directory.write(Renders.small)
        largeRender = scratch.write(Renders.large.bytes, to: "large.conflist")
    }

    /// Runs `node-file-churn write` with `options`, which must make it fail with an output that
    /// contains every one of `mentions`, the node file untouched.
    private func expectFailedWrite(options: [String], mentions: [String]) throws {
        let before = try #require(FileSnapshot(directory.nodeFilePath))
        let child = ChildProcess(churnExecutable, ["write", directory.path, largeRender] + options)
        let output = child.readOutput()

        #expect(child.waitForExit() == .exited(2), "\(output)")
        for mention in mentions { #expect(output.contains(mention), "\(output)") }
        #expect(FileSnapshot(directory.nodeFilePath) == before)
        #expect(names(in: directory.path) == ["10-terway.conflist"])
    }

    @Test func aDirectoryTheWriterMayNotWriteLeavesTheTargetAsItWas() throws {
        // Read-only for anyone but root; the child drops to uid 65534 when it runs as root.
        chmod(directory.path, 0o555)
        defer { chmod(directory.path, 0o755) }
        try expectFailedWrite(
            options: ["--as-nobody"],
            mentions: ["cannot create the temporary file \(directory.path)/.10-terway.conflist.", "(EACCES)"])
    }

    @Test func aWriteCutShortByTheFileSizeLimitLeavesTheTargetAsItWas() throws {
        let limit = 64 * 1024
        #expect(Renders.large.bytes.count > 2 * limit)
        try expectFailedWrite(
            options: ["--file-size-limit", "\(limit)"],
            mentions: ["cannot write \(directory.path)/.10-terway.conflist.", "(EFBIG)"])
    }

    @Test func theSameChildWritesWhenNothingStopsIt() throws {
        // The control for the two tests above: without the limit or the permissions, the write goes through.
        let child = ChildProcess(churnExecutable, ["write", directory.path, largeRender, "--file-size-limit", "\(1 << 20)"])
        let output = child.readOutput()

        #expect(child.waitForExit() == .exited(0), "\(output)")
        #expect(output == "written\n")
        #expect(try directory.currentNodeFile() == Renders.large.bytes)
    }
}
