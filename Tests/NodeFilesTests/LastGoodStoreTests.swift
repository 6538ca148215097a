import ENIConfig
import Foundation
import NodeFiles
import TestSupport
import Testing

@Suite struct LastGoodStoreTests {
    let scratch = TemporaryDirectory()
    let appliedAt = Date(timeIntervalSince1970: 1_760_000_000.25)

    @Test func nothingRecordedLoadsAsNil() throws {
        #expect(try LastGoodStore(directory: scratch.child("state")).load() == nil)
    }

    @Test(arguments: ["48213", nil] as [String?])
    func aRecordRoundTrips(resourceVersion: String?) throws {
        let store = LastGoodStore(directory: scratch.child("var/lib/eni-config-agent"))
        try store.record(Renders.small, resourceVersion: resourceVersion, appliedAt: appliedAt)

        let loaded = try #require(try store.load())
        #expect(loaded == LastGoodRecord(conflist: Renders.small, resourceVersion: resourceVersion, appliedAt: appliedAt))
        #expect(loaded.conflist.pluginTypes == ["terway", "portmap"])
        let file = try #require(FileSnapshot(store.filePath))
        #expect(file.permissions == 0o600)
        #expect(names(in: store.directory) == ["last-good.json"])
    }

    @Test func theFileIsReadableJSONWithTheMetadata() throws {
        let store = LastGoodStore(directory: scratch.path)
        try store.record(Renders.small, resourceVersion: "7", appliedAt: appliedAt)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: store.filePath))) as? [String: Any])
        #expect(document["sha256"] as? String == Renders.small.sha256)
        #expect(document["resourceVersion"] as? String == "7")
        #expect(document["appliedAt"] as? String == "2025-10-09T08:53:20.250Z")
        #expect(document["conflist"] as? String == Renders.small.text)
    }

    @Test func aNewerRecordReplacesTheOlder() throws {
        let store = LastGoodStore(directory: scratch.path)
        try store.record(Renders.small, resourceVersion: "1", appliedAt: appliedAt)
        try store.record(Renders.large, resourceVersion: "2", appliedAt: appliedAt.addingTimeInterval(60))
        let loaded = try #require(try store.load())
        #expect(loaded.conflist == Renders.large)
        #expect(loaded.resourceVersion == "2")
    }

    @Test func anEditedRecordIsRejectedNotTrusted() throws {
        let store = LastGoodStore(directory: scratch.path)
        try store.record(Renders.small, resourceVersion: "1", appliedAt: appliedAt)
        let text = try String(contentsOfFile: store.filePath, encoding: .utf8)
        try text.replacingOccurrences(of: "portmap", with: "bandwidth").write(toFile: store.filePath, atomically: false, encoding: .utf8)

        let error = try #require(throws: NodeFileError.self) { try store.load() }
        #expect(error.path == store.filePath)
        #expect(error.reason.contains("does not match its conflist"))
        #expect(error.description.contains("remove the file"))
    }

    @Test func somethingElseInThePlaceOfTheRecordIsAnError() throws {
        let store = LastGoodStore(directory: scratch.path)
        scratch.write(Array("not json".utf8), to: "last-good.json")
        let error = try #require(throws: NodeFileError.self) { try store.load() }
        #expect(error.reason.hasPrefix("it is not a last-good record"))
    }
}
