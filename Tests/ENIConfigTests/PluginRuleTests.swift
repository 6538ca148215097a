import ENIConfig
import Testing

@Suite struct PluginRuleTests {
    @Test func anUnknownTypePassesWithTheGenericChecksOnly() {
        let evaluation = evaluateChain(#"{"type": "my-plugin", "anything": [1, {"x": null}], "mtu": "big"}"#)
        #expect(evaluation.diagnostics.isEmpty)
        #expect(evaluation.pluginTypes == ["terway", "my-plugin"])
    }

    @Test func typeIsRequired() {
        let plugin = #"{"capabilities": {"portMappings": true}}"#
        let text = conflist([plugin])
        expectSingle(
            evaluateChain(plugin), .pluginType, path: "plugins[1]", at: position(of: plugin, in: text),
            message: #""type" is missing; set it to the file name of the plugin's binary in the CNI bin directory, e.g. "portmap""#)
    }

    @Test func typeMustBeANonEmptyString() {
        for (type, found) in [(#""""#, #""""#), ("5", "5")] {
            let text = conflist([#"{"type": \#(type)}"#])
            expectSingle(
                evaluateChain(#"{"type": \#(type)}"#), .pluginType, path: "plugins[1].type", at: position(of: #"{"type": \#(type)"#, in: text).shifted(by: 9),
                message: #""type" must be the file name of the plugin's binary in the CNI bin directory, e.g. "portmap", found \#(found)"#)
        }
    }

    @Test func typeMustBeAPlainFileName() {
        for type in [#""../bin/portmap""#, #""C:\\cni\\portmap""#] {
            let plugin = #"{"type": \#(type)}"#
            let text = conflist([plugin])
            expectSingle(
                evaluateChain(plugin), .pluginType, path: "plugins[1].type", at: position(of: type, in: text),
                message: #""type" must be a plain file name in the CNI bin directory, without "/" or "\", found \#(type)"#)
        }
    }

    /// `stat()` stops at a NUL and finds "portmap" for "portmap\u0000x", so the binary check
    /// would pass while libcni fails every pod ADD: a name used as a path has no control characters.
    @Test(arguments: [#""portmap\u0000x""#, #""portmap\u0000""#, #""port\nmap""#, #""portmap\u001b[0m""#])
    func typeMustNotContainNULOrControlCharacters(_ type: String) {
        let plugin = #"{"type": \#(type)}"#
        let text = conflist([plugin])
        let evaluation = evaluateChain(plugin)
        expectSingle(
            evaluation, .pluginType, path: "plugins[1].type", at: position(of: type, in: text),
            message: #""type" must not contain NUL or other control characters (U+0000–U+001F, U+007F–U+009F), found \#(type)"#)
        #expect(evaluation.conflist == nil)
    }

    /// DEL and the C1 controls are not JSON escapes, so they are refused the same way but shown as they are.
    @Test(arguments: [#""portmap\u007f""#, #""portmap\u0085""#])
    func typeMustNotContainDELOrC1Controls(_ type: String) {
        let evaluation = evaluateChain(#"{"type": \#(type)}"#)
        let findings = evaluation.findings(.pluginType)
        #expect(findings.count == 1)
        #expect(findings.first?.message.hasPrefix(#""type" must not contain NUL or other control characters"#) == true)
        #expect(evaluation.conflist == nil)
    }

    @Test(arguments: [#""host-local\u0000x""#, #""../host-local""#, #""host\tlocal""#])
    func ipamTypeIsAPlainFileNameToo(_ type: String) {
        let plugin = #"{"type": "my-plugin", "ipam": {"type": \#(type)}}"#
        let text = conflist([plugin])
        let evaluation = evaluateChain(plugin)
        let findings = evaluation.findings(.ipamType)
        #expect(findings.map(\.path) == ["plugins[1].ipam.type"])
        #expect(findings.map(\.place) == [position(of: type, in: text)])
        #expect(findings.first?.message.hasSuffix(", found \(type)") == true, "\(findings)")
        #expect(evaluation.conflist == nil)
    }

    @Test func capabilitiesMustBeBooleansBecauseLibcniDecodesThem() {
        let plugin = #"{"type": "portmap", "capabilities": {"portMappings": "yes"}}"#
        let text = conflist([plugin])
        expectSingle(
            evaluateChain(plugin), .pluginField, path: "plugins[1].capabilities.portMappings", at: position(of: #""yes""#, in: text),
            message: #"each value of "capabilities" must be a boolean (true or false), found "yes""#)
    }

    @Test func ipamAndDNSMustHaveLibcnisShape() {
        let plugin = #"{"type": "my-plugin", "ipam": "host-local", "dns": {"nameservers": "8.8.8.8", "domain": "cluster.local"}}"#
        let text = conflist([plugin])
        let evaluation = evaluateChain(plugin)
        let findings = evaluation.findings(.pluginField)
        #expect(findings.map(\.path) == ["plugins[1].ipam", "plugins[1].dns.nameservers"])
        #expect(findings.map(\.place) == [position(of: #""host-local""#, in: text), position(of: #""8.8.8.8""#, in: text)])
        #expect(findings.map(\.message) == [
            #""ipam" must be an object with "type", found "host-local""#,
            #""dns.nameservers" must be an array of strings, found "8.8.8.8""#,
        ])
        #expect(evaluateChain(#"{"type": "x", "ipam": {"type": "host-local", "subnet": "10.0.0.0/8"}, "dns": {"search": ["a"]}}"#).diagnostics.isEmpty)
    }

    /// A problem three levels down (object, array, item) among good values is still found:
    /// the quick check that skips good values must not skip it.
    @Test func aWrongItemDeepInsideAFieldIsFound() {
        let plugin = #"{"type": "x", "ipam": {"type": "host-local"}, "dns": {"domain": "a", "nameservers": ["8.8.8.8", 53], "search": ["b"]}}"#
        let text = conflist([plugin])
        expectSingle(
            evaluateChain(plugin), .pluginField, path: "plugins[1].dns.nameservers[1]", at: position(of: "53]", in: text),
            message: #"each item of "dns.nameservers" must be a string, found 53; write it as a string: "53""#)
    }

    @Test func keysTheRuntimeFillsInAreWarnedAbout() {
        let plugin = #"{"type": "portmap", "runtimeConfig": {"portMappings": []}, "cni.dev/valid-attachments": [], "args": {}, "prevResult": {}}"#
        let text = conflist([plugin])
        let evaluation = evaluateChain(plugin)
        let findings = evaluation.findings(.runtimeKey)
        #expect(findings.map(\.severity) == [.warning, .warning, .warning, .warning])
        #expect(findings.map(\.path) == [
            "plugins[1].runtimeConfig", #"plugins[1]["cni.dev/valid-attachments"]"#, "plugins[1].args", "plugins[1].prevResult",
        ])
        #expect(findings.first?.place == position(of: #""runtimeConfig""#, in: text))
        #expect(findings.first?.message == #""runtimeConfig" is filled in by the container runtime for each pod, not by the configuration; remove it"#)
        #expect(evaluation.isValid, "a warning does not stop the render")
    }

    @Test func withoutAConflistTheConfIsTheChainAndGetsThePluginChecks() {
        let conf = #"{"cniVersion": "0.4.0", "type": "terway", "capabilities": {"bandwidth": 1}}"#
        expectSingle(
            evaluate(ConfigMapData(conf: conf, conflist: nil)), .pluginField, key: ConfigMapData.confKey,
            path: "capabilities.bandwidth", at: position(of: "1}", in: conf),
            message: #"each value of "capabilities" must be a boolean (true or false), found 1"#)
    }
}

extension String {
    /// The same line, `columns` further right (for one-line test texts).
    func shifted(by columns: Int) -> String {
        let parts = split(separator: ":")
        return "\(parts[0]):\(Int(parts[1])! + columns)"
    }
}
