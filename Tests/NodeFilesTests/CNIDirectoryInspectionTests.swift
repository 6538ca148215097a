import ENIConfig
import Foundation
import NodeFiles
import TestSupport
import Testing

@Suite struct CNIDirectoryInspectionTests {
    let scratch = TemporaryDirectory()

    @Test func namesEveryConfigFileThatSortsBeforeTheNodeFile() throws {
        for name in [
            "00-other.conf", ".05-hidden.json", "05-calico.conflist", "10-Terway.conf", "10-terway.conflist",
            "README", "x.conf.bak", "00-notes.txt", "99-late.conf", "10-terway.conflist.bak", ".10-terway.conflist.0123456789abcdef.tmp",
        ] {
            scratch.write(Array("{}".utf8), to: name)
        }
        // libcni skips directories when it lists configs, whatever their name.
        try FileManager.default.createDirectory(atPath: scratch.child("01-dir.conf"), withIntermediateDirectories: false)

        let findings = CNIDirectory(path: scratch.path).inspect()

        // Byte order: "." < "0" < "1", and "T" < "t".
        let shadowing = [".05-hidden.json", "00-other.conf", "05-calico.conflist", "10-Terway.conf"]
        #expect(findings.map(\.rule) == Array(repeating: RuleID.shadowedBy, count: shadowing.count))
        for (finding, name) in zip(findings, shadowing) {
            #expect(finding.severity == .warning)
            #expect(finding.key == "10-terway.conflist")
            #expect(finding.message.hasPrefix("\(scratch.path)/\(name) sorts before 10-terway.conflist"))
            #expect(finding.message.contains("rename it to sort after 10-terway.conflist"))
        }
    }

    @Test func aStaleTerwayConfHasItsOwnRule() {
        scratch.write(Array("{}".utf8), to: "10-terway.conf")
        let findings = CNIDirectory(path: scratch.path).inspect()
        #expect(findings.map(\.rule) == [.staleTerwayConf])
        #expect(findings.first?.message.contains("\(scratch.path)/10-terway.conf sorts before 10-terway.conflist") == true)
        #expect(findings.first?.message.contains("writing the node file removes it") == true)
    }

    @Test func warnsAboutADirectoryNamedAfterTheNetwork() throws {
        try FileManager.default.createDirectory(atPath: scratch.child("terway-chainer"), withIntermediateDirectories: false)
        let findings = CNIDirectory(path: scratch.path).inspect()
        #expect(findings.map(\.rule) == [.networkDirectory])
        #expect(findings.first?.severity == .warning)
        #expect(findings.first?.message.hasPrefix("\(scratch.path)/terway-chainer/ is named after the network") == true)
    }

    @Test func aFileNamedAfterTheNetworkIsNoNetworkDirectory() {
        scratch.write(Array("{}".utf8), to: "terway-chainer")
        #expect(CNIDirectory(path: scratch.path).inspect().isEmpty)
    }

    @Test func aDirectoryWithOnlyTheNodeFileAndLaterOnesIsClean() throws {
        _ = try CNIDirectory(path: scratch.path).write(Renders.small)
        scratch.write(Array("{}".utf8), to: "99-loopback.conf")
        #expect(CNIDirectory(path: scratch.path).inspect().isEmpty)
    }

    @Test func aMissingDirectoryHasNothingToWarnAbout() {
        #expect(CNIDirectory(path: scratch.child("missing")).inspect().isEmpty)
    }

    @Test func aPathThatIsNotADirectoryIsReportedAsUnreadable() {
        let file = scratch.write(Array("{}".utf8), to: "plain-file")
        let findings = CNIDirectory(path: file).inspect()
        #expect(findings.map(\.rule) == [.cniDirUnreadable])
        #expect(findings.first?.message.contains("could not list \(file) (Not a directory (ENOTDIR))") == true)
    }
}
