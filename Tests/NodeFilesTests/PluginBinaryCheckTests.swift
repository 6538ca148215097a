import ENIConfig
import Foundation
import Glibc
import NodeFiles
import TestSupport
import Testing

@Suite struct PluginBinaryCheckTests {
    let scratch = TemporaryDirectory()

    private func install(_ name: String, mode: mode_t) {
        let path = scratch.write(Array("#!/bin/sh\n".utf8), to: name)
        chmod(path, mode)
    }

    @Test func presentExecutablesPassAndLinksAreFollowed() throws {
        install("terway", mode: 0o755)
        install("portmap-v1.5", mode: 0o700)
        try FileManager.default.createSymbolicLink(atPath: scratch.child("portmap"), withDestinationPath: "portmap-v1.5")
        #expect(checkPluginBinaries(["terway", "portmap"], in: scratch.path).isEmpty)
    }

    @Test func eachMissingOrNonExecutableBinaryIsAnErrorAtItsPlugin() throws {
        install("terway", mode: 0o755)
        install("tuning", mode: 0o644)
        try FileManager.default.createDirectory(atPath: scratch.child("bandwidth"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: scratch.child("sbr"), withDestinationPath: "gone")

        let findings = checkPluginBinaries(["terway", "portmap", "tuning", "bandwidth", "sbr"], in: scratch.path)

        #expect(findings.map(\.rule) == [
            .pluginBinaryMissing, .pluginBinaryNotExecutable, .pluginBinaryNotExecutable, .pluginBinaryMissing,
        ])
        #expect(findings.map(\.path) == ["plugins[1].type", "plugins[2].type", "plugins[3].type", "plugins[4].type"])
        #expect(findings.allSatisfy { $0.severity == .error && $0.key == "10-terway.conflist" })
        #expect(findings[0].message.hasPrefix("plugins[1] has type \"portmap\", but \(scratch.path)/portmap does not exist"))
        #expect(findings[0].message.contains("every pod ADD on this node would fail"))
        #expect(findings[1].message.contains("\(scratch.path)/tuning is not executable (mode 0644)"))
        #expect(findings[2].message.contains("\(scratch.path)/bandwidth is not a regular file"))
        #expect(findings[3].message.contains("\(scratch.path)/sbr does not exist"))
    }

    @Test func aMissingBinDirectoryIsOneWarningThatNothingWasChecked() {
        let missing = scratch.child("opt/cni/bin")
        let findings = checkPluginBinaries(["terway", "portmap"], in: missing)
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .warning)
        #expect(findings.first?.rule == .binDirMissing)
        #expect(findings.first?.message.hasPrefix("the CNI bin directory \(missing) does not exist") == true)
        #expect(findings.first?.message.contains("(terway, portmap) could not be checked") == true)
    }

    @Test func theWarningNamesEachBinaryOnceInChainOrder() {
        let findings = checkPluginBinaries(["terway", "tuning", "tuning", "portmap", "tuning"], in: scratch.child("absent"))
        #expect(findings.first?.message.contains("(terway, tuning, portmap) could not be checked") == true)
    }

    @Test func aBinPathThatIsAFileIsOneWarningToo() {
        let file = scratch.write(Array("x".utf8), to: "bin")
        let findings = checkPluginBinaries(["terway"], in: file)
        #expect(findings.map(\.rule) == [.binDirMissing])
        #expect(findings.first?.message.contains("\(file) is not a directory") == true)
    }
}
