import ENIConfig
import Foundation
import Glibc
import NodeFiles
import TestSupport
import Testing

@Suite struct CrashConsistencyTests {
    let scratch = TemporaryDirectory()

    /// A writer SIGKILLed at random moments while it alternates between two node files: after every
    /// kill the node file is one of the two whole, and nothing a runtime would load is left beside it.
    @Test func aWriterKilledAtAnyMomentLeavesOneOfTheTwoFilesWhole() throws {
        let directory = CNIDirectory(path: scratch.child("net.d"))
        let renders = [Renders.small, Renders.large]
        let files = [scratch.write(renders[0].bytes, to: "small.conflist"), scratch.write(renders[1].bytes, to: "large.conflist")]
        let kills = 250
        var seen = [0, 0]
        var killsLeavingATemporaryFile = 0
        var generator = SystemRandomNumberGenerator()

        for kill in 1...kills {
            let child = ChildProcess(churnExecutable, ["churn", directory.path, files[0], files[1]])
            // "r": the first write is in place and the loop is running.
            let ready = child.readByte()
            try #require(ready == UInt8(ascii: "r"), "kill \(kill): the writer did not start: \(child.readOutput())")
            usleep(UInt32.random(in: 0..<12_000, using: &generator))
            child.send(SIGKILL)
            try #require(child.waitForExit() == .signaled(SIGKILL), "kill \(kill): the writer ended by itself")

            let bytes = try #require(try directory.currentNodeFile(), "kill \(kill): no node file")
            let which = try #require(renders.firstIndex { $0.bytes == bytes }, "kill \(kill): \(bytes.count) bytes, neither render")
            seen[which] += 1
            #expect(try JSONSerialization.jsonObject(with: Data(bytes)) is [String: Any])
            let left = names(in: directory.path)
            #expect(left.filter(isLoadedByRuntimes) == ["10-terway.conflist"], "kill \(kill): \(left)")
            // The next writer removes what the last one left, so there is never more than one.
            let temporary = left.filter(isOurTemporaryFile)
            #expect(temporary.count <= 1 && left.count == 1 + temporary.count, "kill \(kill): \(left)")
            if !temporary.isEmpty { killsLeavingATemporaryFile += 1 }
        }

        // Proof that the kills landed inside writes, not only between them, and that both files were seen.
        #expect(killsLeavingATemporaryFile > 0)
        #expect(seen[0] > 0 && seen[1] > 0, "\(seen)")
        _ = try directory.write(Renders.small)
        #expect(names(in: directory.path) == ["10-terway.conflist"])
    }
}
