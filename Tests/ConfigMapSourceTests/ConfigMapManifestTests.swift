import ConfigMapSource
import ENIConfig
import Foundation
import Glibc
import Testing

private let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

@Suite struct ConfigMapManifestTests {
    @Test func readsTheExampleAndKeepsOnlyOurKeys() throws {
        let loaded = try ConfigMapInput.load(examples.appendingPathComponent("eni-config.yaml").path)
        #expect(loaded.name == "eni-config")
        #expect(loaded.namespace == "kube-system")
        #expect(loaded.data.conf?.hasPrefix("{\n  \"cniVersion\": \"0.4.0\"") == true)
        #expect(loaded.data.conflist?.contains("\"externalSetMarkChain\": \"KUBE-MARK-MASQ\"") == true)
        #expect(loaded.data.ourKeysInBinaryData.isEmpty)
    }

    @Test func blockScalarKeysMapBackToManifestLines() throws {
        let path = examples.appendingPathComponent("eni-config.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let loaded = try ConfigMapInput.load(path)
        let location = try #require(loaded.keyLocations[ConfigMapData.conflistKey])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // Line 3 of the key's text is `    "cniVersion"…` inside plugins[0]; it must be the same text in the file.
        let keyLine3 = loaded.data.conflist!.split(separator: "\n")[2]
        let fileLine = lines[location.firstLine + 3 - 2]
        #expect(fileLine.dropFirst(location.indent) == keyLine3)

        let diagnostic = Diagnostic(.error, rule: .jsonSyntax, key: ConfigMapData.conflistKey, at: SourcePosition(line: 3, column: 7, offset: 0), "m")
        #expect(loaded.sourceLocation(of: diagnostic) == "\(path):\(location.firstLine + 2):\(location.indent + 7)")
    }

    @Test func readsAJSONManifestAsKubectlPrintsIt() throws {
        let json = """
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "eni-config", "namespace": "kube-system", "resourceVersion": "4711",
                             "managedFields": [{"manager": "kubectl-edit", "operation": "Update"}]},
                "data": {"10-terway.conf": "{\\n  \\"type\\": \\"terway\\"\\n}\\n", "eni_conf": "{\\"access_key\\": \\"k\\"}"}
            }
            """
        let loaded = try ConfigMapManifest.parse(json, origin: "cm.json")
        #expect(loaded.data.conf == "{\n  \"type\": \"terway\"\n}\n")
        #expect(loaded.data.conflist == nil)
        #expect(loaded.data.resourceVersion == "4711")
        #expect(loaded.keyLocations.isEmpty)
    }

    @Test func ourKeysInBinaryDataAreFlaggedForTheValidator() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: eni-config}
            binaryData:
              10-terway.conflist: e30K
              other: e30K
            """
        let loaded = try ConfigMapManifest.parse(yaml, origin: "cm.yaml")
        #expect(loaded.data.ourKeysInBinaryData == [ConfigMapData.conflistKey])
    }

    @Test(arguments: [
        ("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n", "cm.yaml:2:7", "not a ConfigMap: expected `kind: ConfigMap` and `apiVersion: v1`, found kind \"Secret\", apiVersion \"v1\""),
        ("apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\n", "cm.yaml:4:1", "holds 2 YAML documents; give exactly one ConfigMap"),
        ("apiVersion: v1\nkind: List\nitems: []\n", "cm.yaml:2:7", "is a List; give the one ConfigMap"),
        ("# nothing here\n", "cm.yaml", "empty: expected a ConfigMap manifest"),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1\n", "cm.yaml:", "not valid YAML or JSON"),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  10-terway.conf: {\"type\": \"terway\"}\n", "cm.yaml:4:19", "data.10-terway.conf must be a string, found a mapping; write the JSON as a block scalar"),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  10-terway.conf: 42\n", "cm.yaml:4:19", "data.10-terway.conf must be a string, found a number"),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  10-terway.conf: true\n", "cm.yaml:4:19", "data.10-terway.conf must be a string, found a boolean"),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  10-terway.conflist: ~\n", "cm.yaml:4:23", "data.10-terway.conflist must be a string, found null"),
        ("apiVersion: v1\nkind: ConfigMap\ndata:\n  10-terway.conf: !!int 7\n", "cm.yaml:4:19", "data.10-terway.conf must be a string, found a number"),
        ("apiVersion: v1\nkind: ConfigMap\ndata: [a]\n", "cm.yaml:3:7", "`data` must be a mapping of key to string, found a sequence"),
        ("kind: ConfigMap\napiVersion: v1\ndata:\n  10-terway.conf: a\n  10-terway.conf: b\n", "cm.yaml:", "not valid YAML or JSON: duplicate keys \"10-terway.conf\" in one mapping: keep one of each"),
        ("- just\n- a list\n", "cm.yaml:1:1", "expected a ConfigMap manifest (a mapping with kind, apiVersion, data), found a sequence"),
    ])
    func rejectsWhatIsNotOneConfigMap(yaml: String, location: String, message: String) {
        #expect {
            _ = try ConfigMapManifest.parse(yaml, origin: "cm.yaml")
        } throws: { error in
            guard let error = error as? ConfigMapSourceError else { return false }
            return error.location.hasPrefix(location) && error.message.hasPrefix(message)
        }
    }

    /// `eni_conf` holds an access key and secret: a YAML error in a manifest names the place and
    /// the kind of mistake, never the line.
    @Test(arguments: [
        ("a control character", "  eni_conf: '{\"access_key\": \"LTAIs3cr3t\u{07}\"}'\n", "cm.yaml:5:", "control characters are not allowed"),
        ("a colon in a continued plain scalar", "  eni_conf: LTAIs3cr3t\n   access_secret: s3cr3t\n", "cm.yaml:6:", "mapping values are not allowed"),
        ("an unclosed quote", "  eni_conf: \"LTAIs3cr3t\n", "cm.yaml:", "found unexpected end of stream"),
        ("a duplicated key", "  eni_conf: LTAIs3cr3t\n  eni_conf: s3cr3t\n", "cm.yaml:", "duplicate keys \"eni_conf\""),
    ])
    func yamlErrorsNeverQuoteTheLine(_ what: String, data: String, location: String, message: String) throws {
        let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: eni-config, namespace: kube-system}\ndata:\n" + data
        let error = try #require(throws: ConfigMapSourceError.self) { try ConfigMapManifest.parse(manifest, origin: "cm.yaml") }
        #expect(error.location.hasPrefix(location), "\(error)")
        #expect(error.location.split(separator: ":").count == 3, "a line and a column: \(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(!error.description.contains("s3cr3t"), "\(error)")
    }

    /// Scalars are typed by the YAML 1.1 rules kubectl applies (see `YAMLType`):
    /// quoted and explicitly tagged strings are strings, and an empty document is no document.
    @Test func quotedAndTaggedScalarsAreStringsAndEmptyDocumentsAreSkipped() throws {
        let yaml = """
            ---
            ---
            apiVersion: v1
            kind: ConfigMap
            data:
              10-terway.conf: "42"
              10-terway.conflist: !!str true
            ...
            """
        let loaded = try ConfigMapManifest.parse(yaml, origin: "cm.yaml")
        #expect(loaded.data.conf == "42")
        #expect(loaded.data.conflist == "true")
    }

    @Test func blockScalarLocationsAreFoundInCRLFManifestsAndAfterBlankLines() throws {
        let yaml = "apiVersion: v1\r\nkind: ConfigMap\r\ndata:\r\n  10-terway.conf: |\r\n\r\n      {\"type\": \"terway\"}\r\n"
        let loaded = try ConfigMapManifest.parse(yaml, origin: "cm.yaml")
        #expect(loaded.data.conf == "\n{\"type\": \"terway\"}\n")
        #expect(loaded.keyLocations[ConfigMapData.confKey] == KeyTextLocation(firstLine: 5, indent: 6))
    }

    @Test func otherKeysMayHoldAnythingAndNeverReachTheResult() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            data:
              eni_conf: {access_secret: hunter2}
              disable_network_policy: false
              10-terway.conf: '{"type": "terway"}'
            """
        let loaded = try ConfigMapManifest.parse(yaml, origin: "cm.yaml")
        #expect(loaded.data.conf == #"{"type": "terway"}"#)
        #expect(!String(describing: loaded).contains("hunter2"))
        #expect(loaded.data.hasENIConf, "eni_conf's presence is kept, its value never")
        #expect(loaded.data.disableNetworkPolicy == "false")
    }
}

@Suite struct ConfigMapInputTests {
    @Test func readsAMountedConfigMapVolumeThroughItsDataSymlinks() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("cm-\(UUID().uuidString)")
        let stamped = dir.appendingPathComponent("..2026_11_29_04_00_00.123")
        try fm.createDirectory(at: stamped, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        try #"{"type": "terway"}"#.write(to: stamped.appendingPathComponent("10-terway.conf"), atomically: false, encoding: .utf8)
        try "secret".write(to: stamped.appendingPathComponent("eni_conf"), atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("..data").path, withDestinationPath: stamped.lastPathComponent)
        for key in ["10-terway.conf", "eni_conf"] {
            try fm.createSymbolicLink(atPath: dir.appendingPathComponent(key).path, withDestinationPath: "..data/\(key)")
        }
        let loaded = try ConfigMapInput.load(dir.path)
        #expect(loaded.data.conf == #"{"type": "terway"}"#)
        #expect(loaded.data.conflist == nil)
        #expect(loaded.origin == dir.path)
    }

    @Test func aDirectoryWithoutOurKeysIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: ConfigMapSourceError(
            location: dir.path, "holds neither 10-terway.conf nor 10-terway.conflist: expected a mounted eni-config ConfigMap directory")
        ) { try ConfigMapInput.load(dir.path) }
    }

    @Test func aMissingPathNamesTheCause() {
        #expect(throws: ConfigMapSourceError(
            location: "/nonexistent/cm.yaml",
            "cannot read: No such file or directory; give a ConfigMap manifest, a mounted ConfigMap directory, or - for standard input")
        ) { try ConfigMapInput.load("/nonexistent/cm.yaml") }
    }

    /// `--configmap <(kubectl get cm eni-config -o yaml)`: the shell passes a pipe as /dev/fd/N.
    @Test func aPipeIsReadLikeProcessSubstitution() throws {
        let manifest = try String(contentsOf: examples.appendingPathComponent("eni-config.yaml"), encoding: .utf8)
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        Thread.detachNewThread {
            let bytes = Array(manifest.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
                guard written > 0 else { break }
                offset += written
            }
            close(writeEnd)
        }
        let loaded = try ConfigMapInput.load("/proc/self/fd/\(readEnd)")
        #expect(loaded.name == "eni-config")
        #expect(loaded.data.conflist?.contains("\"externalSetMarkChain\": \"KUBE-MARK-MASQ\"") == true)
    }

    /// `--configmap /dev/zero` (or a log given by mistake) is refused after 16 MiB, not read until memory runs out.
    @Test func anEndlessOrHugeFileIsRefusedAtTheSizeLimit() {
        #expect(throws: ConfigMapSourceError(
            location: "/dev/zero",
            "cannot read: larger than 16777216 bytes; a ConfigMap holds at most 1 MiB of data: is this the right file?")
        ) { try ConfigMapInput.load("/dev/zero") }
    }

    @Test func aPathThroughAFileNamesTheCauseAndWhatToGive() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cm-\(UUID().uuidString).yaml").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("kind: ConfigMap\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: ConfigMapSourceError(
            location: file + "/cm.yaml",
            "cannot read: Not a directory; give a ConfigMap manifest, a mounted ConfigMap directory, or - for standard input")
        ) { try ConfigMapInput.load(file + "/cm.yaml") }
    }

    @Test func invalidUTF8IsRejected() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cm-\(UUID().uuidString).yaml").path
        FileManager.default.createFile(atPath: path, contents: Data([0x6B, 0x69, 0x6E, 0x64, 0x3A, 0x20, 0xFF, 0x0A]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ConfigMapSourceError(location: path, "not UTF-8 text: save the manifest as UTF-8")) {
            try ConfigMapInput.load(path)
        }
    }
}
