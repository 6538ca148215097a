import ENIConfig
import Testing

@Suite struct PortmapRuleTests {
    @Test func aFullValidPortmapPasses() {
        let evaluation = evaluateChain(#"{"type": "portmap", "capabilities": {"portMappings": true}, "snat": false, "masqAll": true, "markMasqBit": 31, "conditionsV4": ["-d", "10.0.0.0/8"], "conditionsV6": []}"#)
        #expect(evaluation.diagnostics.isEmpty)
    }

    @Test func markChainAndMarkBitCannotBothBeSet() {
        let plugin = #"{"type": "portmap", "externalSetMarkChain": "KUBE-MARK-MASQ", "markMasqBit": 14}"#
        let text = conflist([plugin])
        expectSingle(
            evaluateChain(plugin), .portmapMarkConflict, path: "plugins[1]", at: position(of: #""markMasqBit""#, in: text),
            message: #""externalSetMarkChain" and "markMasqBit" cannot both be set; keep "externalSetMarkChain" to use an existing masquerade chain (e.g. "KUBE-MARK-MASQ"), or "markMasqBit" to have portmap mark packets itself"#)
    }

    @Test func aNullMarkBitIsUnsetAndDoesNotConflict() {
        #expect(evaluateChain(#"{"type": "portmap", "externalSetMarkChain": "KUBE-MARK-MASQ", "markMasqBit": null}"#).diagnostics.isEmpty)
    }

    @Test func markBitMustBeAnIntegerFrom0To31() {
        for (literal, bad) in [("40", true), ("-1", true), ("13.0", true), ("1e1", true), ("0", false), ("31", false)] {
            let plugin = #"{"type": "portmap", "markMasqBit": \#(literal)}"#
            let text = conflist([plugin])
            let evaluation = evaluateChain(plugin)
            if bad {
                expectSingle(
                    evaluation, .portmapField, path: "plugins[1].markMasqBit", at: position(of: literal + "}", in: text),
                    message: #""markMasqBit" must be an integer from 0 to 31, found \#(literal)"#)
            } else {
                #expect(evaluation.diagnostics.isEmpty, "\(literal)")
            }
        }
    }

    @Test func flagsAreBooleansAndConditionsArraysOfStrings() {
        let plugin = #"{"type": "portmap", "snat": "true", "conditionsV4": ["-d", 10], "conditionsV6": "-d ::1", "externalSetMarkChain": 1}"#
        let text = conflist([plugin])
        let findings = evaluateChain(plugin).findings(.portmapField)
        #expect(findings.map(\.message) == [
            #""snat" must be a boolean (true or false), found "true""#,
            #"each item of "conditionsV4" must be a string, found 10; write it as a string: "10""#,
            #""conditionsV6" must be an array of strings, found "-d ::1""#,
            #""externalSetMarkChain" must be a string, found 1; write it as a string: "1""#,
        ])
        #expect(findings.map(\.path) == [
            "plugins[1].snat", "plugins[1].conditionsV4[1]", "plugins[1].conditionsV6", "plugins[1].externalSetMarkChain",
        ])
        #expect(findings[1].place == position(of: "10]", in: text))
    }
}

@Suite struct TuningRuleTests {
    @Test func aFullValidTuningPasses() {
        let evaluation = evaluateChain(#"{"type": "tuning", "sysctl": {"net.core.somaxconn": "500", "net/ipv4/ip_forward": "1"}, "mac": "c2:11:22:33:44:55", "mtu": 9000, "promisc": true, "allmulti": false}"#)
        #expect(evaluation.diagnostics.isEmpty)
    }

    @Test func sysctlKeysMustBeNetworkSysctls() {
        let plugin = #"{"type": "tuning", "sysctl": {"net.ipv4.ip_forward": "1", "kernel.panic": "10", "net": "1", "net/../kernel/x": "1"}}"#
        let text = conflist([plugin])
        let findings = evaluateChain(plugin).findings(.tuningSysctlKey)
        #expect(findings.map(\.path) == [#"plugins[1].sysctl["kernel.panic"]"#, "plugins[1].sysctl.net"])
        #expect(findings.map(\.place) == [position(of: #""kernel.panic""#, in: text), position(of: #""net":"#, in: text)])
        #expect(findings.first?.message == #""kernel.panic" is not a network sysctl; tuning sets only keys under net., e.g. "net.ipv6.conf.all.disable_ipv6""#)
    }

    /// The key becomes a path under /proc/sys: a NUL in it passes the "net." check and fails every pod ADD.
    @Test func sysctlKeysMustNotContainNULOrControlCharacters() {
        let plugin = #"{"type": "tuning", "sysctl": {"net.ipv4.ip_forward\u0000": "1", "net.core.x\ny": "1", "net.core.somaxconn": "5"}}"#
        let text = conflist([plugin])
        let findings = evaluateChain(plugin).findings(.tuningSysctlKey)
        #expect(findings.map(\.place) == [position(of: #""net.ipv4.ip_forward\u0000""#, in: text), position(of: #""net.core.x\ny""#, in: text)])
        #expect(findings.first?.message == #""net.ipv4.ip_forward\u0000" must not contain NUL or other control characters (U+0000–U+001F, U+007F–U+009F)"#)
    }

    /// tuning maps "." to "/", joins the key to /proc/sys and cleans the path: empty components
    /// vanish, and the first remaining one must be "net" with another after it.
    @Test(arguments: [
        ("net.ipv4.ip_forward", true), ("/net/ipv4/ip_forward", true), (".net..ipv4", true), ("net/x", true),
        ("net", false), ("net.", false), ("net./", false), ("network.x", false), ("ne.t", false), ("", false), ("..", false),
        ("kernel.net.x", false), ("nét.x", false),
    ])
    func sysctlKeyComponentsAreReadAsTuningReadsThem(key: String, isNetwork: Bool) {
        let plugin = #"{"type": "tuning", "sysctl": {"\#(key)": "1"}}"#
        #expect(evaluateChain(plugin).findings(.tuningSysctlKey).isEmpty == isNetwork)
    }

    @Test func sysctlValuesMustBeStrings() {
        let plugin = #"{"type": "tuning", "sysctl": {"net.ipv6.conf.all.disable_ipv6": 1}}"#
        let text = conflist([plugin])
        expectSingle(
            evaluateChain(plugin), .tuningField, path: #"plugins[1].sysctl["net.ipv6.conf.all.disable_ipv6"]"#, at: position(of: "1}", in: text),
            message: #"each value of "sysctl" must be a string, found 1; write it as a string: "1""#)
    }

    @Test func mtuMustBeAPositiveInteger() {
        for literal in ["0", "-1500", "1500.5", #""1500""#] {
            let plugin = #"{"type": "tuning", "mtu": \#(literal)}"#
            let text = conflist([plugin])
            expectSingle(
                evaluateChain(plugin), .tuningField, path: "plugins[1].mtu", at: position(of: literal + "}", in: text),
                message: #""mtu" must be a positive integer, found \#(literal)"#)
        }
    }

    @Test func macIsAStringAndFlagsAreBooleans() {
        let plugin = #"{"type": "tuning", "mac": 1, "promisc": "on", "allmulti": 0}"#
        #expect(evaluateChain(plugin).findings(.tuningField).map(\.message) == [
            #""mac" must be a string, found 1; write it as a string: "1""#,
            #""promisc" must be a boolean (true or false), found "on""#,
            #""allmulti" must be a boolean (true or false), found 0"#,
        ])
    }
}

@Suite struct BandwidthRuleTests {
    @Test func ratesWithTheirBurstsPass() {
        #expect(evaluateChain(#"{"type": "bandwidth", "ingressRate": 1000000, "ingressBurst": 8000, "egressRate": 0, "egressBurst": 0}"#).diagnostics.isEmpty)
    }

    @Test func aRateNeedsItsBurst() {
        let plugin = #"{"type": "bandwidth", "ingressRate": 1000000, "egressRate": 5, "egressBurst": 7}"#
        let text = conflist([plugin])
        expectSingle(
            evaluateChain(plugin), .bandwidthRateBurst, path: "plugins[1].ingressRate", at: position(of: "1000000", in: text),
            message: #""ingressRate" is set, so "ingressBurst" must be set too, to a positive integer; set both or neither"#)
    }

    @Test func aBurstNeedsItsRate() {
        let plugin = #"{"type": "bandwidth", "egressRate": 0, "egressBurst": 8000}"#
        let text = conflist([plugin])
        expectSingle(
            evaluateChain(plugin), .bandwidthRateBurst, path: "plugins[1].egressBurst", at: position(of: "8000", in: text),
            message: #""egressBurst" is set, so "egressRate" must be set too, to a positive integer; set both or neither"#)
    }

    @Test func valuesAreNonNegativeIntegersAndBurstsFitTheKernel() {
        let plugin = #"{"type": "bandwidth", "ingressRate": -1, "ingressBurst": 1e3, "egressRate": 10, "egressBurst": 34359738360}"#
        let text = conflist([plugin])
        let findings = evaluateChain(plugin).findings(.bandwidthField)
        #expect(findings.map(\.path) == ["plugins[1].ingressRate", "plugins[1].ingressBurst", "plugins[1].egressBurst"])
        #expect(findings.map(\.place) == [position(of: "-1", in: text), position(of: "1e3", in: text), position(of: "34359738360", in: text)])
        #expect(findings.map(\.message) == [
            #""ingressRate" must be a non-negative integer (bits per second), found -1"#,
            #""ingressBurst" must be a non-negative integer of bits below 34359738360 (4 GiB), found 1e3"#,
            #""egressBurst" must be a non-negative integer of bits below 34359738360 (4 GiB), found 34359738360"#,
        ])
    }

    @Test func chainingBandwidthWhileTerwayShapesItIsWarned() {
        let plugin = #"{"type": "bandwidth", "ingressRate": 8, "ingressBurst": 8}"#
        let conf = terwayPlugin.replacingFirst(#""bandwidth": false"#, with: #""bandwidth": true"#)
        let text = #"{"plugins": [\#(conf), \#(plugin)]}"#
        let evaluation = evaluate(ConfigMapData(conf: conf, conflist: text))
        expectSingle(
            evaluation, .bandwidthTwice, severity: .warning, path: "plugins[1]", at: position(of: plugin, in: text),
            message: "terway already shapes bandwidth (capabilities.bandwidth is true in 10-terway.conf), so this plugin shapes traffic a second time; remove it, or set capabilities.bandwidth to false in 10-terway.conf and plugins[0]")
        #expect(evaluateChain(plugin).findings(.bandwidthTwice).isEmpty, "terwayPlugin has capabilities.bandwidth false")
    }
}
