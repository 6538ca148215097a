import Agent
import ConfigMapSource
import ENIConfig
import Foundation
import NodeFiles
import Testing

/// `run --coexist terway` beside what terwayd does on a real node: it copies Terway's render to
/// the host once its daemon is ready, truncating and writing in place, and re-copies it the same way.
@Suite(.serialized) struct CoexistenceIntegrationTests {
    /// Terway's render of a ConfigMap manifest on the harness's node.
    static func terwayRender(manifest: String) throws -> RenderedConflist {
        let data = try ConfigMapManifest.parse(manifest, origin: "test").data
        let facts = try HostFacts.read(hostRoot: vethHostRoot)
        return try TerwayRender.render(data, on: facts).get()
    }

    static func terwayRender(of exampleName: String) throws -> RenderedConflist {
        try terwayRender(manifest: try example(exampleName))
    }

    /// plugins[0] drifted from 10-terway.conf, with another chain: this agent rejects it,
    /// Terway's init renders the conflist.
    static let driftedTuningChain = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: eni-config, namespace: kube-system}
        data:
          eni_conf: '{}'
          10-terway.conf: '{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}'
          10-terway.conflist: '{"plugins": [{"type": "terway", "capabilities": {"bandwidth": false}}, {"type": "tuning", "sysctl": {"net.core.somaxconn": "1024"}}]}'
        """

    /// terwayd's copy: `O_TRUNC` and write in place, as daemon/server.go does.
    static func copyAsTerwayd(_ bytes: [UInt8], to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let handle = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard handle >= 0 else { throw POSIXError(.EIO) }
        defer { close(handle) }
        _ = bytes.withUnsafeBytes { write(handle, $0.baseAddress, $0.count) }
    }

    static func stamp(_ path: String) -> (inode: UInt64, mtime: Int, nanoseconds: Int)? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return (UInt64(status.st_ino), Int(status.st_mtim.tv_sec), Int(status.st_mtim.tv_nsec))
    }

    static func besideTerway(_ configuration: inout AgentConfiguration) {
        configuration.coexistence = .terway
        configuration.nodeFilePollInterval = .milliseconds(100)
        configuration.cniBinDirectory = pluginBinDirectory(configuration.cniBinDirectory)
    }

    @Test func besideAFileTerwaydWroteItIsReadyWithoutRewritingIt() async throws {
        let render = try Self.terwayRender(of: "eni-config.yaml")
        var nodeFile = ""
        let harness = try await AgentHarness.start(mode: .onStart) { _ in } configure: { configuration in
            Self.besideTerway(&configuration)
            nodeFile = configuration.cniDirectory + "/10-terway.conflist"
            try Self.copyAsTerwayd(render.bytes, to: nodeFile)
        }
        let before = try #require(Self.stamp(nodeFile))
        try await harness.eventually("Ready") { try await harness.get("/readyz").status == 200 }
        let after = try #require(Self.stamp(nodeFile))
        #expect(after == before, "no rewrite: same inode and mtime")
        #expect(await harness.status().applied?.sha256 == render.sha256)

        // terwayd copies the same bytes again, in place: Ready throughout, and no write back.
        for _ in 0..<5 {
            try Self.copyAsTerwayd(render.bytes, to: nodeFile)
            try await Task.sleep(for: .milliseconds(150))
        }
        try await harness.eventually("Ready after the re-copy") { try await harness.get("/readyz").status == 200 }
        #expect(Self.stamp(nodeFile)?.inode == before.inode, "the agent never replaced terwayd's file")
        #expect(harness.sandbox.events(namespace: "kube-system").filter { $0.reason == "Applied" }.isEmpty)
        await harness.stop()
    }

    @Test func onAFreshNodeItCreatesNothingUntilTerwayHasWritten() async throws {
        let render = try Self.terwayRender(of: "eni-config.yaml")
        let harness = try await AgentHarness.start(mode: .onStart) { _ in } configure: { Self.besideTerway(&$0) }
        try await harness.eventually("a reason that names Terway") {
            let readiness = try await harness.get("/readyz")
            return readiness.status == 503 && readiness.body.contains("waiting for Terway")
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(!FileManager.default.fileExists(atPath: harness.nodeFilePath), "beside Terway the agent never creates the file")

        try Self.copyAsTerwayd(render.bytes, to: harness.nodeFilePath)
        let copied = try #require(Self.stamp(harness.nodeFilePath))
        try await harness.eventually("Ready once terwayd wrote") { try await harness.get("/readyz").status == 200 }
        #expect(Self.stamp(harness.nodeFilePath)?.inode == copied.inode)
        await harness.stop()
    }

    @Test func restartedOnARejectedVersionItPutsBackTheLastGoodRenderAndStaysNotReady() async throws {
        let good = try Self.terwayRender(of: "eni-config.yaml")
        let rejected = try Self.terwayRender(manifest: Self.driftedTuningChain)
        #expect(rejected.sha256 != good.sha256)
        var nodeFile = ""
        let harness = try await AgentHarness.start(mode: .onStart, seed: nil) { sandbox in
            try sandbox.seed(manifest: Self.driftedTuningChain)
        } configure: { configuration in
            Self.besideTerway(&configuration)
            nodeFile = configuration.cniDirectory + "/10-terway.conflist"
            // What an earlier run applied, and terwayd's copy of the rejected version since the restart.
            try LastGoodStore(directory: configuration.stateDirectory!).record(good, resourceVersion: "1", appliedAt: Date())
            try Self.copyAsTerwayd(rejected.bytes, to: nodeFile)
        }
        try await harness.eventually("the last good render back") { harness.nodeFile().map { Array($0.utf8) } == good.bytes }
        try await harness.eventually("NotReady, saying what it did") {
            let readiness = try await harness.get("/readyz")
            return readiness.status == 503 && readiness.body.contains("is back over Terway's copy")
        }
        try await harness.eventually("a Restored event") {
            harness.sandbox.events(namespace: "kube-system").contains { $0.type == "Warning" && $0.reason == "Restored" }
        }
        // One correction per copy: nothing more happens until terwayd copies again.
        let restored = try #require(Self.stamp(nodeFile))
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.stamp(nodeFile)! == restored)
        try Self.copyAsTerwayd(rejected.bytes, to: nodeFile)
        try await harness.eventually("the second copy corrected once") { harness.nodeFile().map { Array($0.utf8) } == good.bytes }
        #expect(try await harness.get("/readyz").status == 503)
        await harness.stop()
    }
}

/// A bin dir holding the binaries Terway's image installs and the examples' chained plugins.
func pluginBinDirectory(_ path: String) -> String {
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for plugin in ["terway", "cilium-cni", "portmap", "tuning", "bandwidth"] {
        FileManager.default.createFile(atPath: path + "/" + plugin, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
    }
    return path
}
