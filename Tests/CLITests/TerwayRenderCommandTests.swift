import Foundation
import Testing
import TestSupport

/// ACK's real ConfigMaps and the node files Terway wrote from them (Tests/ENIConfigTests/Golden/ack).
private let ackDirectory = CLIRunner.repositoryRoot.appendingPathComponent("Tests/ENIConfigTests/Golden/ack")

private func ackNodeFile(_ name: String) throws -> String {
    // The published copy ends with a newline the page added; Terway writes none.
    var text = try String(contentsOf: ackDirectory.appendingPathComponent(name), encoding: .utf8)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}

@Suite struct TerwayRenderCommandTests {
    @Test(arguments: [("veth-configmap.yaml", "veth.conflist"), ("datapathv2-configmap.yaml", "datapathv2.conflist")])
    func printsExactlyWhatTerwayWroteOnACK(configMap: String, nodeFile: String) throws {
        let rendered = try CLIRunner.run([
            "render", "--configmap", ackDirectory.appendingPathComponent(configMap).path,
            "--host-root", CLIRunner.example("node-veth"), "--cni-bin-dir", try binDirectory().path, "--stdout",
        ])
        #expect(rendered.status == 0, "\(rendered.stderr)")
        #expect(rendered.stdout == (try ackNodeFile(nodeFile)))
    }

    @Test func writesTheSameBytesItPrints() throws {
        let directory = try TemporaryDirectory()
        let arguments = [
            "render", "--configmap", ackDirectory.appendingPathComponent("datapathv2-configmap.yaml").path,
            "--host-root", CLIRunner.example("node-veth"), "--cni-bin-dir", try binDirectory().path,
        ]
        let written = try CLIRunner.run(arguments + ["--cni-dir", directory.file("net.d")])
        #expect(written.status == 0, "\(written.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory.file("net.d/10-terway.conflist")))
        #expect(String(decoding: bytes, as: UTF8.self) == (try ackNodeFile("datapathv2.conflist")))
        #expect(bytes.last == UInt8(ascii: "}"))
    }

    @Test func aNodeTerwayWouldFailOnGetsExitOneWithTheReasonAndNothingWritten() throws {
        let directory = try TemporaryDirectory()
        var old = HostRoot()
        old.kernelRelease = "4.19.91-27.al7.x86_64"
        let root = try old.make(at: directory.file("host"))
        let result = try CLIRunner.run([
            "render", "--configmap", CLIRunner.example("eni-config.yaml"), "--host-root", root,
            "--cni-bin-dir", try binDirectory().path, "--cni-dir", directory.file("net.d"),
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: eni-config: this node's kernel \"4.19.91-27.al7.x86_64\" is older than 5.10"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("net.d/10-terway.conflist")))

        var ipvlan = HostRoot()
        ipvlan.ciliumNet = true
        let ipvlanRoot = try ipvlan.make(at: directory.file("ipvlan-host"))
        let manifest = try ipvlanManifest(in: directory, spelled: "IPVlan")
        let refused = try CLIRunner.run(["render", "--configmap", manifest, "--host-root", ipvlanRoot, "--cni-bin-dir", try binDirectory().path, "--stdout"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("eniip_virtual_type: Terway's init fails on this node (\"ipvlan is unsupported\")"))
        #expect(refused.stdout.isEmpty)
    }

    @Test func unreadableNodeFactsAreAnIOError() throws {
        let directory = try TemporaryDirectory()
        let result = try CLIRunner.run([
            "render", "--configmap", CLIRunner.example("eni-config.yaml"), "--host-root", directory.file("nowhere"), "--stdout",
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot read the node fact \(directory.file("nowhere"))/proc/sys/kernel/osrelease"))
    }

    @Test func theAutoDataPathV2GateIsTerwaysFlag() throws {
        let directory = try TemporaryDirectory()
        let manifest = try ipvlanManifest(in: directory, spelled: "ipvlan")
        let base = ["render", "--configmap", manifest, "--host-root", CLIRunner.example("node-veth"), "--cni-bin-dir", try binDirectory().path, "--stdout"]
        let on = try CLIRunner.run(base)
        #expect(on.status == 0, "\(on.stderr)")
        #expect(on.stdout.contains(#""eniip_virtual_type": "datapathv2""#))
        let off = try CLIRunner.run(base + ["--feature-gates", "WriteCNIConfFirst=true,AutoDataPathV2=false"])
        #expect(off.status == 1)
        let malformed = try CLIRunner.run(base + ["--feature-gates", "AutoDataPathV2"])
        #expect(malformed.status == 2)
    }
}

/// An eni-config asking for the ipvlan datapath, which Terway moves to datapathv2 where it can.
private func ipvlanManifest(in directory: TemporaryDirectory, spelled virtualType: String) throws -> String {
    let manifest = directory.file("ipvlan.yaml")
    try """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: eni-config, namespace: kube-system}
        data:
          eni_conf: '{}'
          10-terway.conf: '{"cniVersion": "0.4.0", "type": "terway", "eniip_virtual_type": "\(virtualType)"}'
        """.write(toFile: manifest, atomically: true, encoding: .utf8)
    return manifest
}

/// A bin dir with the binaries Terway's image installs and the chained plugins the examples use.
func binDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("eni-cli-bin-\(getpid())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    for plugin in ["terway", "cilium-cni", "portmap", "tuning", "bandwidth"] {
        let path = url.appendingPathComponent(plugin).path
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        }
    }
    return url
}
