import ENIConfig
import Testing

@Suite struct FirstPluginRuleTests {
    @Test func aDriftedCapabilityIsNamedWithBothValuesAtTheValueInTheConflist() {
        let drifted = Seed.portmapConflist.replacingFirst(#"{"bandwidth": true}"#, with: #"{"bandwidth": false}"#)
        let evaluation = evaluate(ConfigMapData(conf: Seed.conf, conflist: drifted))
        expectSingle(
            evaluation, .firstPluginMismatch, path: "plugins[0].capabilities.bandwidth", at: position(of: "false", in: drifted),
            message: "false here, true in 10-terway.conf")
        #expect(evaluation.diagnostics.first?.description
            == "error: 10-terway.conflist:\(position(of: "false", in: drifted)): plugins[0].capabilities.bandwidth: false here, true in 10-terway.conf")
    }

    @Test func everyDifferenceIsListedAndNameAndVersionMayBeLeftOut() {
        let conf = #"{"cniVersion": "0.4.0", "name": "terway", "type": "terway", "capabilities": {"bandwidth": true}, "eniip_virtual_type": "IPVlan"}"#
        let first = #"{"type": "terway", "cniVersion": "1.0.0", "mtu": 1500, "eniip_virtual_type": "Veth"}"#
        let text = #"{"plugins": [\#(first)]}"#
        let evaluation = evaluate(ConfigMapData(conf: conf, conflist: text))
        let findings = evaluation.findings(.firstPluginMismatch)
        #expect(findings.map(\.path) == [
            "plugins[0].capabilities", "plugins[0].cniVersion", "plugins[0].mtu", "plugins[0].eniip_virtual_type",
        ].map(Optional.some))
        #expect(findings.map(\.place) == [
            "1:14", // the plugin object, which lacks "capabilities"
            position(of: #""1.0.0""#, in: text), position(of: "1500", in: text), position(of: #""Veth""#, in: text),
        ])
        #expect(findings.map(\.message) == [
            #"missing here, {"bandwidth": true} in 10-terway.conf"#,
            #""1.0.0" here, "0.4.0" in 10-terway.conf"#,
            "1500 here, absent in 10-terway.conf",
            #""Veth" here, "IPVlan" in 10-terway.conf"#,
        ])
        #expect(!evaluation.isValid)
    }

    @Test func aMissingCapabilityIsPathedToItselfButPlacedAtItsParent() {
        let text = conflist([]).replacingFirst(#"{"bandwidth": false}"#, with: "{}")
        let evaluation = evaluate(ConfigMapData(conf: terwayPlugin, conflist: text))
        expectSingle(
            evaluation, .firstPluginMismatch, path: "plugins[0].capabilities.bandwidth", at: position(of: "{}", in: text),
            message: "missing here, false in 10-terway.conf")
    }

    @Test func nameAndVersionMustBeEqualWhenGiven() {
        let text = conflist([]).replacingFirst(#""name": "terway""#, with: #""name": "terway-v2""#)
        expectSingle(
            evaluate(ConfigMapData(conf: terwayPlugin, conflist: text)), .firstPluginMismatch,
            path: "plugins[0].name", at: position(of: #""terway-v2""#, in: text),
            message: #""terway-v2" here, "terway" in 10-terway.conf"#)
    }

    @Test func keyOrderWhiteSpaceAndNumberSpellingDoNotMatter() {
        let conf = #"{"cniVersion": "0.4.0", "type": "terway", "mtu": 1500, "capabilities": {"bandwidth": true}}"#
        let text = """
            {"plugins": [
              {
                "capabilities": { "bandwidth" : true },
                "mtu": 1.5e3,
                "type": "terway"
              }
            ]}
            """
        let evaluation = evaluate(ConfigMapData(conf: conf, conflist: text))
        #expect(evaluation.diagnostics.isEmpty)
        #expect(evaluation.isValid)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else {
            Issue.record("\(target) not in \(self)")
            return self
        }
        var replaced = self
        replaced.replaceSubrange(range, with: replacement)
        return replaced
    }
}
