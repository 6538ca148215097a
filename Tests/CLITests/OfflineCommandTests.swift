import Foundation
import Testing

/// docs/terway-render.md's example: what the seed's portmap chain must render to, byte for byte.
private let portmapRender = try! String(contentsOfFile: CLIRunner.example("eni-config.conflist"), encoding: .utf8)

private func fileStat(_ path: String) -> stat? {
    var info = stat()
    return stat(path, &info) == 0 ? info : nil
}

@Suite struct ValidateCommandTests {
    @Test func theExamplesAreValid() throws {
        for example in ["eni-config.yaml", "eni-config-tuning.yaml"] {
            let result = try CLIRunner.run(["validate", "--configmap", CLIRunner.example(example)])
            #expect(result.status == 0, "\(example): \(result.stderr)")
            #expect(result.stderr.contains("valid on every node: 0 errors"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func theDriftedFirstPluginIsRejectedWithBothValuesAndTheManifestLine() throws {
        let path = CLIRunner.example("eni-config-invalid.yaml")
        let result = try CLIRunner.run(["validate", "--configmap", path])
        #expect(result.status == 1)
        let line = try #require(result.stderr.split(separator: "\n").first { $0.contains("plugins[0].capabilities.bandwidth") })
        #expect(line.hasPrefix("error: 10-terway.conflist:7:"))
        #expect(line.contains("true"))
        #expect(line.contains("false"))
        #expect(line.contains("10-terway.conf"))
        // The manifest line is the one in the file that holds `"capabilities": {"bandwidth": true}` of plugins[0].
        let manifestLines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let location = try #require(line.range(of: "(at \(path):"))
        let lineNumber = try #require(Int(line[location.upperBound...].prefix(while: \.isNumber)))
        #expect(manifestLines[lineNumber - 1].contains(#""capabilities": {"bandwidth": true}"#))
        #expect(result.stderr.contains("invalid: 1 error"))
    }

    @Test func jsonFormatPrintsAnArrayOnStandardOutput() throws {
        let result = try CLIRunner.run(["validate", "--configmap", CLIRunner.example("eni-config-invalid.yaml"), "--format", "json"])
        #expect(result.status == 1)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let mismatch = try #require(entries.first { ($0["path"] as? String) == "plugins[0].capabilities.bandwidth" })
        #expect(mismatch["severity"] as? String == "error")
        #expect(mismatch["rule"] as? String == "first-plugin-mismatch")
        #expect(mismatch["key"] as? String == "10-terway.conflist")
        #expect(mismatch["line"] as? Int == 7)
        #expect((mismatch["source"] as? String)?.contains("eni-config-invalid.yaml:") == true)
    }

    @Test func readsStandardInput() throws {
        let manifest = try Data(contentsOf: URL(fileURLWithPath: CLIRunner.example("eni-config.yaml")))
        let result = try CLIRunner.run(["validate", "--configmap", "-"], stdin: manifest)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("-: valid"))
    }

    @Test func usageAndInputErrorsExitWithTwo() throws {
        let missingFlag = try CLIRunner.run(["validate"])
        #expect(missingFlag.status == 2)
        #expect(missingFlag.stderr.contains("--configmap"))
        let unknownFlag = try CLIRunner.run(["validate", "--configmap", CLIRunner.example("eni-config.yaml"), "--frobnicate"])
        #expect(unknownFlag.status == 2)
        let missingFile = try CLIRunner.run(["validate", "--configmap", "/nonexistent/cm.yaml"])
        #expect(missingFile.status == 2)
        #expect(missingFile.stderr.contains("/nonexistent/cm.yaml: cannot read: No such file or directory"))
        let notAConfigMap = try CLIRunner.run(["validate", "--configmap", "-"], stdin: Data("kind: Secret\napiVersion: v1\n".utf8))
        #expect(notAConfigMap.status == 2)
        #expect(notAConfigMap.stderr.contains("not a ConfigMap"))
    }

    @Test func secretsInOtherKeysNeverReachTheOutput() throws {
        let manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: eni-config, namespace: kube-system}
            data:
              eni_conf: '{"access_key": "AKIDEXAMPLE", "access_secret": "s3cr3t-value"}'
              10-terway.conf: '{"cniVersion": "0.4.0", "type": "terway", "bogus": [1,]}'
            """
        for format in ["text", "json"] {
            let result = try CLIRunner.run(["validate", "--configmap", "-", "--format", format], stdin: Data(manifest.utf8))
            #expect(result.status == 1)
            #expect(!(result.stdout + result.stderr).contains("s3cr3t-value"))
            #expect(!(result.stdout + result.stderr).contains("AKIDEXAMPLE"))
        }
    }
}

@Suite struct RenderCommandTests {
    @Test func writesTheDocumentedBytesWithMode0600AndLeavesAnUnchangedFileAlone() throws {
        let dir = try TemporaryDirectory()
        let cniDir = dir.file("net.d")
        let first = try CLIRunner.run(["render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", cniDir, "--cni-bin-dir", dir.file("bin")])
        #expect(first.status == 0, "\(first.stderr)")
        let nodeFile = cniDir + "/10-terway.conflist"
        #expect(try String(contentsOfFile: nodeFile, encoding: .utf8) == portmapRender)
        let before = try #require(fileStat(nodeFile))
        #expect(before.st_mode & 0o777 == 0o600)
        #expect(first.stderr.contains("written (sha256 "))
        #expect(first.stderr.contains("could not be checked"))

        Thread.sleep(forTimeInterval: 0.02)
        let second = try CLIRunner.run(["render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", cniDir, "--cni-bin-dir", dir.file("bin")])
        #expect(second.status == 0)
        #expect(second.stderr.contains("unchanged"))
        let after = try #require(fileStat(nodeFile))
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
    }

    @Test func anInvalidConfigWritesNothingAndKeepsTheGoodFile() throws {
        let dir = try TemporaryDirectory()
        let cniDir = dir.file("net.d")
        #expect(try CLIRunner.run(["render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", cniDir]).status == 0)
        let good = try Data(contentsOf: URL(fileURLWithPath: cniDir + "/10-terway.conflist"))
        let bad = try CLIRunner.run(["render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config-invalid.yaml"), "--cni-dir", cniDir])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("nothing written"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: cniDir + "/10-terway.conflist")) == good)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cniDir) == ["10-terway.conflist"])
    }

    @Test func stdoutPrintsInsteadOfWriting() throws {
        let dir = try TemporaryDirectory()
        let result = try CLIRunner.run(["render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", dir.file("net.d"), "--stdout"])
        #expect(result.status == 0)
        #expect(result.stdout == portmapRender)
        #expect(!FileManager.default.fileExists(atPath: dir.file("net.d")))
    }

    @Test func aMissingPluginBinaryIsAnErrorWhenTheBinDirectoryExists() throws {
        let dir = try TemporaryDirectory()
        let bin = dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: bin + "/terway", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        let result = try CLIRunner.run(["render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", dir.file("net.d"), "--cni-bin-dir", bin])
        #expect(result.status == 1)
        #expect(result.stderr.contains("portmap"))
        #expect(result.stderr.contains("plugins[1].type"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("net.d/10-terway.conflist")))

        FileManager.default.createFile(atPath: bin + "/portmap", contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        let fixed = try CLIRunner.run(["render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", dir.file("net.d"), "--cni-bin-dir", bin])
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    @Test func removesAStaleConfAndRecordsLastGood() throws {
        let dir = try TemporaryDirectory()
        let cniDir = dir.file("net.d")
        try FileManager.default.createDirectory(atPath: cniDir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: cniDir + "/10-terway.conf", contents: Data("{}".utf8))
        let result = try CLIRunner.run([
            "render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", cniDir, "--state-dir", dir.file("state"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cniDir + "/10-terway.conf"))
        #expect(result.stderr.contains("10-terway.conf: removed"))
        let stateFiles = try FileManager.default.contentsOfDirectory(atPath: dir.file("state"))
        #expect(!stateFiles.isEmpty)
    }

    /// The node file is written before the last-good record: a record that cannot be kept is a
    /// warning about a version that is on the node, not an I/O error that wrote nothing.
    @Test func aLastGoodRecordThatCannotBeWrittenIsAWarningAfterTheWrite() throws {
        let dir = try TemporaryDirectory()
        let cniDir = dir.file("net.d")
        FileManager.default.createFile(atPath: dir.file("state"), contents: Data("not a directory".utf8))
        let result = try CLIRunner.run([
            "render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"),
            "--cni-dir", cniDir, "--state-dir", dir.file("state"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("10-terway.conflist: written"))
        #expect(result.stderr.contains("warning: the node file is written, but: cannot open the directory \(dir.file("state"))"))
        #expect(FileManager.default.fileExists(atPath: cniDir + "/10-terway.conflist"))
    }

    @Test func readsAMountedConfigMapDirectory() throws {
        let dir = try TemporaryDirectory()
        let mount = dir.file("eni")
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let conf = #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}}"#
        try conf.write(toFile: mount + "/10-terway.conf", atomically: false, encoding: .utf8)
        let arguments = ["render", "--configmap", mount, "--host-root", CLIRunner.example("node-veth"), "--stdout"]
        let withoutENIConf = try CLIRunner.run(arguments)
        #expect(withoutENIConf.status == 1)
        #expect(withoutENIConf.stderr.contains("error: eni_conf: \"eni_conf\" is missing from data"))
        try "{}".write(toFile: mount + "/eni_conf", atomically: false, encoding: .utf8)
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#""name": "terway-chainer""#))
        #expect(result.stdout.contains(#""bandwidth": true"#))
    }
}

@Suite struct DiffCommandTests {
    @Test func diffShowsWhatWouldChangeAndExitsOneUntilTheFilesMatch() throws {
        let dir = try TemporaryDirectory()
        let cniDir = dir.file("net.d")
        let missing = try CLIRunner.run(["diff", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", cniDir])
        #expect(missing.status == 1)
        #expect(missing.stdout.hasPrefix("--- /dev/null\n+++ \(cniDir)/10-terway.conflist"))
        #expect(missing.stdout.contains("\n+      \"type\": \"portmap\"\n"))

        #expect(try CLIRunner.run(["render", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", cniDir]).status == 0)
        let same = try CLIRunner.run(["diff", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config.yaml"), "--cni-dir", cniDir])
        #expect(same.status == 0)
        #expect(same.stdout.isEmpty)

        let tuning = try CLIRunner.run(["diff", "--host-root", CLIRunner.example("node-veth"), "--configmap", CLIRunner.example("eni-config-tuning.yaml"), "--cni-dir", cniDir])
        #expect(tuning.status == 1)
        #expect(tuning.stdout.contains("\n-      \"type\": \"portmap\"\n"))
        #expect(tuning.stdout.contains("\n+      \"type\": \"tuning\"\n"))
        #expect(tuning.stdout.contains("\n@@ -"))
    }
}
